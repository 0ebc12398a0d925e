package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent's answer to {@code GET /v1/classes}: the loaded classes a pattern matched, sorted by
 * name.
 *
 * @param total how many matched; more than {@code classes} holds when the list was cut at the limit
 * @param truncated whether the list was cut
 */
public record ClassList(String pattern, long total, boolean truncated, List<LoadedClass> classes)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("pattern", "total", "truncated", "classes");

  public ClassList {
    classes = List.copyOf(classes);
    if (total < classes.size()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the class list's 'total' ("
              + total
              + ") is less than the "
              + classes.size()
              + " classes it lists",
          "count every class the pattern matched");
    }
  }

  public static ClassList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the class list", FIELDS);
    return new ClassList(
        body.requireString("pattern", "\"com.acme.*\""),
        body.requireLong("total", 0, Long.MAX_VALUE),
        body.optionalBoolean("truncated", false),
        body.optionalObjects("classes", LoadedClass.FIELDS).stream()
            .map(LoadedClass::read)
            .toList());
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("pattern", pattern)
        .put("total", total)
        .put("truncated", truncated)
        .put("classes", classes)
        .toMap();
  }
}

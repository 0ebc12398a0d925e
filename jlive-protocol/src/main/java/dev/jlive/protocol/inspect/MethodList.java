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
 * An agent's answer to {@code GET /v1/methods}: the class of that name in each loader that has it,
 * with its methods.
 */
public record MethodList(List<ClassMethods> classes) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("classes");

  public MethodList {
    classes = List.copyOf(classes);
    if (classes.isEmpty()) {
      // A class that is not loaded is an error answer (CLASS_NOT_FOUND), never an empty list.
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the method list names no class",
          "list the methods of at least one loaded class");
    }
  }

  public static MethodList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the method list", FIELDS);
    return new MethodList(
        body.optionalObjects("classes", ClassMethods.FIELDS).stream()
            .map(ClassMethods::read)
            .toList());
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("classes", classes).toMap();
  }
}

package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * One loaded class of a {@link ClassList}.
 *
 * @param loader the class loader as {@code jlive classes} shows it (its id and type)
 * @param kind {@code class}, {@code abstract class}, {@code interface}, {@code enum}, {@code
 *     record} or {@code annotation}
 * @param source where it was loaded from (a jar, a folder, a module); empty when unknown
 */
public record LoadedClass(String name, String loader, String kind, String source)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("name", "loader", "kind", "source");

  public LoadedClass {
    if (name.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a loaded class has a blank 'name'",
          "send the class's fully qualified name");
    }
  }

  static LoadedClass read(StrictObject body) {
    return new LoadedClass(
        body.requireString("name", "\"com.acme.Cart\""),
        body.requireString("loader", "\"app\""),
        body.requireString("kind", "\"class\""),
        body.optionalString("source"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("name", name)
        .put("loader", loader)
        .put("kind", kind)
        .put("source", source)
        .toMap();
  }
}

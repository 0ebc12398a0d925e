package dev.jlive.protocol.patch;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One class a patch gives new code, and which of its methods.
 *
 * @param changedMethods the methods whose bodies differ, as {@code name(descriptor)}
 */
public record PatchedClass(String className, String loader, List<String> changedMethods)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("class", "loader", "changedMethods");

  public PatchedClass {
    changedMethods = List.copyOf(changedMethods);
    if (changedMethods.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "patched class " + className + " has no 'changedMethods'",
          "a patch lists only the classes whose methods it changes");
    }
  }

  static PatchedClass read(StrictObject body) {
    return new PatchedClass(
        body.requireString("class", "\"com.acme.Pricing\""),
        body.requireString("loader", "\"app\""),
        body.optionalStrings("changedMethods"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("class", className)
        .put("loader", loader)
        .put("changedMethods", changedMethods)
        .toMap();
  }
}

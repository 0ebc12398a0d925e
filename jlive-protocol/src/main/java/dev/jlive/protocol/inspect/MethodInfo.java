package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * One method or constructor of a class in a {@link MethodList}.
 *
 * @param name the method's name, {@code <init>} for a constructor
 * @param signature the Java signature with erased types, {@code long total(java.util.List)}
 * @param descriptor the JVM descriptor, {@code (Ljava/util/List;)J}: the name probes and patches
 *     pick an overload by
 * @param modifiers as Java writes them, {@code public static}; empty for none
 */
public record MethodInfo(
    String name, String signature, String descriptor, String modifiers, boolean synthetic)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("name", "signature", "descriptor", "modifiers", "synthetic");

  public MethodInfo {
    if (!descriptor.startsWith("(")) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "method " + name + ": '" + descriptor + "' is not a JVM method descriptor",
          "send the descriptor as the class file has it, e.g. (Ljava/lang/String;)I");
    }
  }

  static MethodInfo read(StrictObject body) {
    return new MethodInfo(
        body.requireString("name", "\"total\""),
        body.requireString("signature", "\"long total()\""),
        body.requireString("descriptor", "\"()J\""),
        body.optionalString("modifiers"),
        body.optionalBoolean("synthetic", false));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("name", name)
        .put("signature", signature)
        .put("descriptor", descriptor)
        .put("modifiers", modifiers)
        .put("synthetic", synthetic)
        .toMap();
  }
}

package dev.jlive.agent.record;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * What a record file says of itself before its calls: which method, from which class bytes, in
 * which JVM, by which agent.
 *
 * @param className the method's class
 * @param method the method's name
 * @param descriptor its JVM descriptor, e.g. {@code (JI)J}
 * @param isStatic whether it is static (else the receiver is recorded)
 * @param classSha256 the SHA-256 of the bytes the class ran when recording began (probes woven out)
 * @param agentVersion the jlive version that wrote the file
 * @param jvm the recording JVM's {@code java.vm.name} and {@code java.version}
 * @param recordedAtMillis when recording began
 * @param selector what the user asked to record
 */
record RecordHeader(
    String className,
    String method,
    String descriptor,
    boolean isStatic,
    String classSha256,
    String agentVersion,
    String jvm,
    long recordedAtMillis,
    String selector) {
  /** Readers ignore fields they do not know: a newer writer may add some in the same version. */
  private static final Set<String> FIELDS =
      Set.of(
          "className",
          "method",
          "descriptor",
          "static",
          "classSha256",
          "agentVersion",
          "jvm",
          "recordedAtMillis",
          "selector");

  Map<String, Object> toJson() {
    return JsonObject.create()
        .put("className", className)
        .put("method", method)
        .put("descriptor", descriptor)
        .put("static", isStatic)
        .put("classSha256", classSha256)
        .put("agentVersion", agentVersion)
        .put("jvm", jvm)
        .put("recordedAtMillis", recordedAtMillis)
        .put("selector", selector)
        .toMap();
  }

  static RecordHeader fromJson(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the record file's header", FIELDS);
    return new RecordHeader(
        body.requireString("className", "\"com.acme.Pricing\""),
        body.requireString("method", "\"price\""),
        body.requireString("descriptor", "\"(JI)J\""),
        body.optionalBoolean("static", false),
        body.optionalString("classSha256"),
        body.optionalString("agentVersion"),
        body.optionalString("jvm"),
        body.optionalLong("recordedAtMillis", 0, 0, Long.MAX_VALUE),
        body.optionalString("selector"));
  }

  /** {@code Class#method(descriptor)}, as reports name it. */
  String display() {
    return className + "#" + method + descriptor;
  }
}

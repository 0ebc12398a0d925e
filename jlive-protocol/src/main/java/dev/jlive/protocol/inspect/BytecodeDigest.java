package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * An agent's answer to {@code GET /v1/bytecode}: the size and SHA-256 of the bytes a class runs
 * now, probes and patches included, to compare before and after a change.
 */
public record BytecodeDigest(String className, String loader, long size, String sha256)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("class", "loader", "size", "sha256");

  public BytecodeDigest {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the bytecode digest of " + className + ": 'sha256' must be 64 lower-case hex digits",
          "send the whole SHA-256 of the class's bytes in hex");
    }
  }

  public static BytecodeDigest fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the bytecode digest", FIELDS);
    return new BytecodeDigest(
        body.requireString("class", "\"com.acme.Cart\""),
        body.requireString("loader", "\"app\""),
        body.requireLong("size", 0, Integer.MAX_VALUE),
        body.requireString("sha256", "\"9f86d0...\""));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("class", className)
        .put("loader", loader)
        .put("size", size)
        .put("sha256", sha256)
        .toMap();
  }
}

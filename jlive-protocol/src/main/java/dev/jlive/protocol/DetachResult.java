package dev.jlive.protocol;

import java.util.Map;
import java.util.Set;

/**
 * The answer to {@code POST /v1/detach}: the agent accepted and stops once it has answered. {@code
 * jlive detach --json} adds the pid it waited for (-1 for an agent reached by host and port).
 *
 * @param pid the JVM whose agent stopped; null in the agent's own answer
 */
public record DetachResult(Long pid) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("detached", "pid");

  /** What the agent answers. */
  public static final DetachResult ACCEPTED = new DetachResult(null);

  public static DetachResult fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the detach answer", FIELDS);
    if (!body.optionalBoolean("detached", false)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the detach answer does not say 'detached': true",
          "an agent that accepts a detach answers {\"detached\": true}");
    }
    return new DetachResult(
        body.has("pid") ? body.optionalLong("pid", -1, -1, Long.MAX_VALUE) : null);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("detached", true).put("pid", pid).toMap();
  }
}

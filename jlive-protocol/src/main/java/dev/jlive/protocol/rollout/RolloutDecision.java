package dev.jlive.protocol.rollout;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * One entry of a rollout's history, written once when it was decided.
 *
 * @param at ISO-8601
 * @param wave the wave it concerns (1-based); 0 for the rollout as a whole
 * @param decision what was decided: started, reached, passed, promoted, skipped, failed, paused,
 *     resumed, aborted, completed, took over
 * @param by who decided: a user, or the controller that drove the rollout
 * @param detail in words
 * @param verdict the gates' verdict in wire form, when gates decided it; null otherwise
 */
public record RolloutDecision(
    String at, int wave, String decision, String by, String detail, Map<String, Object> verdict)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("at", "wave", "decision", "by", "detail", "verdict");

  public RolloutDecision {
    verdict = verdict == null ? null : JsonObject.copyOf(verdict);
  }

  static RolloutDecision read(StrictObject body) {
    return new RolloutDecision(
        body.optionalString("at"),
        (int) body.optionalLong("wave", 0, 0, Integer.MAX_VALUE),
        body.requireString("decision", "\"passed\""),
        body.optionalString("by"),
        body.optionalString("detail"),
        body.optionalObject("verdict"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("at", at)
        .put("wave", wave)
        .put("decision", decision)
        .put("by", by)
        .put("detail", detail)
        .put("verdict", verdict)
        .toMap();
  }
}

package dev.jlive.protocol.rollout;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A wave the rollout reached: the processes it added, fixed when it was reached.
 *
 * @param number 1-based
 * @param value with {@code waveBy}, the label value of this wave; else null
 * @param processes the process ids this wave added
 * @param reachedAt ISO-8601
 */
public record RolloutWave(int number, String value, List<String> processes, String reachedAt)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("number", "value", "processes", "reachedAt");

  public RolloutWave {
    processes = processes == null ? List.of() : List.copyOf(processes);
  }

  static RolloutWave read(StrictObject body) {
    return new RolloutWave(
        (int) body.optionalLong("number", 0, 0, Integer.MAX_VALUE),
        body.optionalString("value"),
        body.optionalStrings("processes"),
        body.optionalString("reachedAt"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("number", number)
        .put("value", value)
        .put("processes", processes)
        .put("reachedAt", reachedAt)
        .toMap();
  }
}

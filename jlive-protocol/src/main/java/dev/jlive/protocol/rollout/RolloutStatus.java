package dev.jlive.protocol.rollout;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.change.ProcessState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The answer to {@code GET /v1/services/{s}/rollouts/{id}}: the rollout, and how its processes
 * stand.
 *
 * @param waveStates per reached wave (in order), how many of its processes are in each state
 *     (applied, waiting, failed, pending, reverted, unreachable)
 * @param control the live matching processes the rollout has not reached: the control group
 * @param waitingFor what holds the rollout beyond its own state, e.g. ZooKeeper out of reach (the
 *     figures are then the controller's last known and nothing is decided); null when nothing does
 */
public record RolloutStatus(
    RolloutState rollout, List<Map<String, Long>> waveStates, int control, String waitingFor)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("rollout", "waveStates", "control", "waitingFor");

  /** The per-process states, as {@code waveStates} counts them. */
  public static final Set<String> STATES = states();

  public RolloutStatus {
    waveStates = waveStates == null ? List.of() : List.copyOf(waveStates);
  }

  public static RolloutStatus fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the rollout status", FIELDS);
    List<Map<String, Long>> states =
        body.optionalObjects("waveStates", STATES).stream().map(RolloutStatus::counts).toList();
    return new RolloutStatus(
        RolloutState.fromWire(body.optionalObject("rollout")),
        states,
        (int) body.optionalLong("control", 0, 0, Integer.MAX_VALUE),
        body.optionalString("waitingFor"));
  }

  private static Map<String, Long> counts(StrictObject item) {
    Map<String, Long> counts = new TreeMap<>();
    for (String state : STATES) {
      long count = item.optionalLong(state, 0, 0, Long.MAX_VALUE);
      if (count > 0) {
        counts.put(state, count);
      }
    }
    return counts;
  }

  private static Set<String> states() {
    Set<String> names = new TreeSet<>();
    for (ProcessState state : ProcessState.values()) {
      names.add(JsonObject.wireName(state));
    }
    return Set.copyOf(names);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("rollout", rollout)
        .put("waveStates", waveStates)
        .put("control", control)
        .put("waitingFor", waitingFor)
        .toMap();
  }
}

package dev.jlive.protocol.rollout;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The health gates' word on one wave's window: what the rollout does next, and the figures of every
 * gate that decided it, as a rollout stores them in ZooKeeper and {@code rollout status} shows
 * them.
 *
 * @param outcome {@link Outcome#FAIL} if any gate failed, else {@link Outcome#WAITING} if any gate
 *     has too few calls yet, else {@link Outcome#PASS}
 * @param results each gate's result, in the order the gates were given
 * @param notes what the window left out and why (a process that restarted, one that stopped
 *     reporting), so that the figures can be read honestly
 */
public record Verdict(Outcome outcome, List<GateResult> results, List<String> notes)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("outcome", "results", "notes");
  private static final String WHAT = "the gates' verdict";

  /** What a wave's gates say. */
  public enum Outcome {
    /** Every gate held, on enough calls: the rollout may go on. */
    PASS,
    /** A gate did not hold: the rollout reverts every process it reached. */
    FAIL,
    /** No gate failed, but some had too few calls to judge: keep baking; never a pass. */
    WAITING
  }

  public Verdict {
    results = results == null ? List.of() : List.copyOf(results);
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  public Verdict(Outcome outcome, List<GateResult> results) {
    this(outcome, results, List.of());
  }

  /** The outcome of several gates: a failure wins, then waiting, else pass. */
  public static Outcome combine(List<GateResult> results) {
    Outcome combined = Outcome.PASS;
    for (GateResult result : results) {
      if (result.outcome() == Outcome.FAIL) {
        return Outcome.FAIL;
      }
      if (result.outcome() == Outcome.WAITING) {
        combined = Outcome.WAITING;
      }
    }
    return combined;
  }

  public boolean passed() {
    return outcome == Outcome.PASS;
  }

  public boolean failed() {
    return outcome == Outcome.FAIL;
  }

  /** Reads a stored verdict: strict types; a newer controller's extra field is logged once. */
  public static Verdict fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, WHAT, FIELDS);
    return new Verdict(
        body.requireEnum("outcome", Outcome.class),
        body.optionalObjects("results", GateResult.FIELDS).stream().map(GateResult::read).toList(),
        body.optionalStrings("notes"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("outcome", outcome)
        .put("results", results)
        .putIf(!notes.isEmpty(), "notes", notes)
        .toMap();
  }
}

package dev.jlive.protocol.rollout;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.rollout.Verdict.Outcome;
import java.util.Map;
import java.util.Set;

/**
 * One health gate judged over one window: the evidence a rollout keeps for each decision.
 *
 * <p>Figures are in the gate's own unit: milliseconds for latencies, a share (0.02 = 2%) for {@code
 * errors}, a count for {@code calls} and {@code exceptions}.
 *
 * @param gate the gate as written ({@code "p99 <= 1.2 * control + 2ms"})
 * @param canary the left side over the canary (the processes on the new code); null when there were
 *     too few calls to compute it
 * @param control the gate's metric over the control group (the processes still on the old code);
 *     null when the gate does not compare with control, or there is none
 * @param limit the right side, computed: what the canary figure was held to; null when waiting
 * @param canaryCalls the calls the canary figure rests on (of the least-called probe the gate
 *     reads)
 * @param controlCalls the calls the control figure rests on; 0 when the gate reads no control
 * @param skipped true when the gate could not be judged and did not count (it compares with control
 *     and no process is left on the old code); its outcome is then {@link Outcome#PASS}
 * @param explanation one line for people: the figures, the limit and the calls
 */
public record GateResult(
    String gate,
    Outcome outcome,
    Double canary,
    Double control,
    Double limit,
    long canaryCalls,
    long controlCalls,
    boolean skipped,
    String explanation)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "gate",
          "outcome",
          "canary",
          "control",
          "limit",
          "canaryCalls",
          "controlCalls",
          "skipped",
          "explanation");
  private static final String WHAT = "a gate result";

  public GateResult {
    if (gate == null || gate.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, WHAT + " needs 'gate'", "send the gate as written");
    }
    if (outcome == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, WHAT + " needs 'outcome'", "pass, fail or waiting");
    }
    if (canaryCalls < 0 || controlCalls < 0) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          WHAT + ": calls must not be negative",
          "send the calls each figure rests on");
    }
    explanation = explanation == null ? "" : explanation;
  }

  public static GateResult fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS));
  }

  static GateResult read(StrictObject body) {
    return new GateResult(
        body.requireString("gate", "\"errors <= 1.1 * control\""),
        body.requireEnum("outcome", Outcome.class),
        figure(body, "canary"),
        figure(body, "control"),
        figure(body, "limit"),
        body.optionalLong("canaryCalls", 0, 0, Long.MAX_VALUE),
        body.optionalLong("controlCalls", 0, 0, Long.MAX_VALUE),
        body.optionalBoolean("skipped", false),
        body.optionalString("explanation"));
  }

  private static Double figure(StrictObject body, String name) {
    return body.has(name)
        ? body.optionalDouble(name, 0.0, -Double.MAX_VALUE, Double.MAX_VALUE)
        : null;
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("gate", gate)
        .put("outcome", outcome)
        .put("canary", canary)
        .put("control", control)
        .put("limit", limit)
        .put("canaryCalls", canaryCalls)
        .put("controlCalls", controlCalls)
        .putIf(skipped, "skipped", true)
        .put("explanation", explanation)
        .toMap();
  }
}

package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.rollout.GateResult;
import dev.jlive.protocol.rollout.Verdict;
import dev.jlive.protocol.rollout.Verdict.Outcome;
import dev.jlive.protocol.shadow.ShadowReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A patch rollout's gates on {@code shadow.*} figures, judged before the first wave: the patch runs
 * as a shadow beside the old code on every matching process for one bake, and these gates read the
 * shadow's report merged over the processes. Fewer than {@code minCalls} compared calls is waiting,
 * never a pass, as for the waves' gates.
 */
public final class ShadowGates {
  private final List<Gate> gates;
  private final long minCalls;

  /**
   * @param texts every gate of the rollout, as written: those on the shadow are kept
   */
  public ShadowGates(List<String> texts, long minCalls) {
    this.gates = texts.stream().map(Gate::parse).filter(Gate::readsShadow).toList();
    this.minCalls = Math.max(1, minCalls);
  }

  /** Whether the rollout has any: then a shadow runs before the first wave. */
  public boolean any() {
    return !gates.isEmpty();
  }

  /**
   * @param merged the shadow's report merged over the processes; null while none has reported
   * @param processes how many processes the report merges
   */
  public Verdict judge(ShadowReport merged, int processes) {
    List<GateResult> results = new ArrayList<>();
    long compared = merged == null ? 0 : merged.compared();
    for (Gate gate : gates) {
      if (compared < minCalls) {
        results.add(
            result(
                gate,
                Outcome.WAITING,
                null,
                null,
                compared,
                "waiting for shadowed calls: "
                    + count(compared)
                    + " of "
                    + count(minCalls)
                    + " compared"));
        continue;
      }
      Gate.Evaluation evaluation =
          gate.evaluate(
              new Term.Figures() {
                @Override
                public ProbeMetrics of(String probe, Term.Group group) {
                  return null;
                }

                @Override
                public ShadowReport shadow() {
                  return merged;
                }
              },
              null);
      results.add(
          result(
              gate,
              evaluation.holds() ? Outcome.PASS : Outcome.FAIL,
              evaluation.canary(),
              evaluation.limit(),
              compared,
              evaluation.explanation()
                  + " over "
                  + count(compared)
                  + " compared calls of "
                  + processes
                  + " process(es)"
                  + evidence(merged, evaluation.holds())));
    }
    return new Verdict(Verdict.combine(results), results, List.of());
  }

  /** A failed gate shows the first unexpected difference, and which process it came from. */
  private static String evidence(ShadowReport merged, boolean holds) {
    if (holds) {
      return "";
    }
    for (ShadowReport.Example example : merged.examples()) {
      if (!example.expected()) {
        return "; e.g. "
            + example.method()
            + " with "
            + example.arguments()
            + ": original "
            + example.original()
            + ", candidate "
            + example.candidate()
            + (example.process() == null ? "" : " (on " + example.process() + ")");
      }
    }
    return "";
  }

  private static GateResult result(
      Gate gate, Outcome outcome, Double figure, Double limit, long compared, String explanation) {
    return new GateResult(
        gate.text(), outcome, figure, null, limit, compared, 0, false, explanation);
  }

  private static String count(long calls) {
    return String.format(Locale.ROOT, "%,d", calls);
  }
}

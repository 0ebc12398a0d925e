package dev.jlive.controller.rollout;

import dev.jlive.controller.rollout.gate.AutoMetricsProbe;
import dev.jlive.controller.rollout.gate.Gate;
import dev.jlive.controller.rollout.gate.HealthGates;
import dev.jlive.controller.rollout.gate.ShadowGates;
import dev.jlive.controller.rollout.gate.WindowMetrics;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.rollout.GateResult;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.rollout.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The health gates ({@link HealthGates}) as the driver asks them. */
final class GateJudge implements Judgement.Judge {
  /** A stand-in id for checking a patch's gates before its metrics probe exists. */
  private static final String PROBE_TO_COME = "the-automatic-probe";

  /**
   * Refuses gates that do not parse, or that a rollout of this kind cannot judge (a bare metric on
   * a probe rollout), before anything is stored.
   */
  static void checkGates(RolloutPlan plan, ChangeKind kind) {
    if (plan.gates().isEmpty() && kind != ChangeKind.PATCH) {
      return;
    }
    if (kind != ChangeKind.PATCH && new ShadowGates(plan.gates(), plan.minCalls()).any()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "shadow.* gates read the shadow of a patch before its first wave, and a "
              + JsonObject.wireName(kind)
              + " has none",
          "gate a probe rollout on probe metrics, e.g. probe:c7.p99 <= 1.2 * control");
    }
    gates(plan.gates(), plan.minCalls(), kind == ChangeKind.PATCH ? PROBE_TO_COME : null);
  }

  /** The metrics probe a patch rollout adds to canary and control. */
  static Map<String, Object> autoProbeSpec(Change patch) {
    return AutoMetricsProbe.specFor(patch).toJson();
  }

  private static HealthGates gates(List<String> texts, long minCalls, String autoProbe) {
    List<Gate> parsed = texts.stream().map(Gate::parse).toList();
    return new HealthGates(parsed, minCalls, autoProbe);
  }

  @Override
  public Judgement judge(
      Judgement.JudgedRollout rollout,
      Map<String, ProcessReport> start,
      Map<String, ProcessReport> end,
      Set<String> canary,
      Set<String> control) {
    if (rollout.gates().isEmpty() && rollout.autoProbe() == null) {
      // A probe rollout without gates: nothing to judge, the bake is all.
      return new Judgement(
          Judgement.Outcome.PASS,
          new Verdict(Verdict.Outcome.PASS, List.of()).toJson(),
          "no gates: the bake passed");
    }
    Verdict verdict =
        gates(rollout.gates(), rollout.minCalls(), rollout.autoProbe())
            .judge(
                WindowMetrics.between(WindowMetrics.reported(start), WindowMetrics.reported(end)),
                canary,
                control);
    Judgement.Outcome outcome =
        switch (verdict.outcome()) {
          case PASS -> Judgement.Outcome.PASS;
          case FAIL -> Judgement.Outcome.FAIL;
          case WAITING -> Judgement.Outcome.WAITING;
        };
    return new Judgement(outcome, verdict.toJson(), summary(verdict));
  }

  /**
   * One line for the rollout's history: the gate that decided (the first failed or waiting one),
   * else each gate's figures, so that a pass shows its margin too.
   */
  static String summary(Verdict verdict) {
    if (verdict.results().isEmpty()) {
      return "no gates";
    }
    for (GateResult result : verdict.results()) {
      if (result.outcome() == verdict.outcome() && verdict.outcome() != Verdict.Outcome.PASS) {
        return result.gate() + ": " + result.explanation();
      }
    }
    return verdict.results().stream()
        .map(result -> result.skipped() ? result.gate() + " skipped" : result.explanation())
        .collect(Collectors.joining("; "));
  }
}

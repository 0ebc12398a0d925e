package dev.jlive.controller.rollout;

import dev.jlive.controller.rollout.gate.AutoMetricsProbe;
import dev.jlive.controller.rollout.gate.Gate;
import dev.jlive.controller.rollout.gate.HealthGates;
import dev.jlive.controller.rollout.gate.WindowMetrics;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.rollout.GateResult;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.rollout.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The health gates as the driver sees them: {@link HealthGates} over the reports' metrics. */
final class GateJudge implements Judgement.Judge {
  private static final System.Logger LOG = System.getLogger(GateJudge.class.getName());

  /** Stands for the automatic probe's id before it exists, to check that gates may read it. */
  private static final String AUTO_PROBE = "auto";

  /**
   * Refuses gates that do not parse, and bare metrics in a probe rollout (which has no automatic
   * probe), before anything is stored.
   */
  static void checkGates(RolloutPlan plan, ChangeKind kind) {
    new HealthGates(
        parse(plan.gates()), plan.minCalls(), kind == ChangeKind.PATCH ? AUTO_PROBE : null);
  }

  /** The metrics probe a patch rollout adds to canary and control. */
  static Map<String, Object> autoProbeSpec(Change patch) {
    return AutoMetricsProbe.specFor(patch).toJson();
  }

  @Override
  public Judgement judge(
      Judgement.JudgedRollout rollout,
      Map<String, Map<String, Object>> start,
      Map<String, Map<String, Object>> end,
      Set<String> canary,
      Set<String> control) {
    HealthGates gates =
        new HealthGates(parse(rollout.gates()), rollout.minCalls(), rollout.autoProbe());
    Verdict verdict =
        gates.judge(WindowMetrics.between(metrics(start), metrics(end)), canary, control);
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

  private static List<Gate> parse(List<String> gates) {
    return gates == null ? List.of() : gates.stream().map(Gate::parse).toList();
  }

  /** The reports' metrics entries read as probe metrics; one that does not read is left out. */
  private static Map<String, Map<String, ProbeMetrics>> metrics(
      Map<String, Map<String, Object>> reports) {
    Map<String, Map<String, ProbeMetrics>> metrics = new TreeMap<>();
    reports.forEach(
        (process, entries) -> {
          Map<String, ProbeMetrics> probes = new TreeMap<>();
          entries.forEach(
              (change, entry) -> {
                try {
                  probes.put(change, ProbeMetrics.fromWire(entry));
                } catch (JLiveException notMetrics) {
                  LOG.log(
                      System.Logger.Level.DEBUG,
                      "{0}: metrics of {1} do not read: {2}",
                      process,
                      change,
                      notMetrics.getMessage());
                }
              });
          metrics.put(process, probes);
        });
    return metrics;
  }
}

package dev.jlive.controller.rollout.gate;

import dev.jlive.controller.rollout.gate.Gate.GroupRead;
import dev.jlive.controller.rollout.gate.Term.Group;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.rollout.GateResult;
import dev.jlive.protocol.rollout.Verdict;
import dev.jlive.protocol.rollout.Verdict.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A rollout's health gates and their judge: at the end of a wave's bake, each gate is computed over
 * the window's figures of the canary (the processes the rollout reached) and of the control group
 * (the processes still on the old code), and the wave passes, fails or waits.
 *
 * <p>Too little traffic is never a pass: a gate whose probe counted fewer than {@code minCalls}
 * calls on either side it reads waits, and says how many it has of how many. A gate that compares
 * with control when no process is left on the old code (the last wave, at 100%) is skipped with
 * that reason: the earlier waves compared it, and an absolute gate ({@code probe:c7.p99 <= 50ms})
 * is still judged.
 */
public final class HealthGates {
  /**
   * Calls each side needs before a gate may pass: enough for a p90 that one slow call cannot move.
   */
  public static final long DEFAULT_MIN_CALLS = 200;

  /**
   * The gates of a patch rollout given none, on its automatic probe, chosen not to fire on noise
   * (measured in {@code HealthGatesTest} and docs/BENCHMARKS.md): a share of errors at most twice
   * control's plus two points, since over 200 calls a 2% error rate alone varies from 0 to 5%; and
   * a p90 at most twice control's plus 5 ms, not a p99, which over 200 calls is the second slowest
   * call and moves with one garbage collection; the 5 ms also absorbs the slower first calls of
   * freshly redefined code. A patch that throws on 15% more of its calls, or sleeps 50 ms on each,
   * fails them on the first window of 200 calls.
   */
  public static final List<String> DEFAULT_PATCH_GATES =
      List.of("errors <= 2 * control + 0.02", "p90 <= 2 * control + 5ms");

  private final List<Gate> gates;
  private final long minCalls;
  private final String autoProbe;

  /**
   * @param gates the rollout's gates; none means {@link #DEFAULT_PATCH_GATES} for a patch rollout
   *     and no gate for a probe rollout
   * @param minCalls calls a gate's probe must count on each side it reads before the gate may pass
   * @param autoProbeChangeId the fleet change id of the automatic metrics probe on the patched
   *     methods, which bare metrics read; null for a probe rollout, whose gates must name probes
   * @throws JLiveException {@code BAD_REQUEST} for a minimum below 1, or a bare metric with no
   *     automatic probe
   */
  public HealthGates(List<Gate> gates, long minCalls, String autoProbeChangeId) {
    if (minCalls < 1) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the minimum calls of a gate must be 1 or more, not " + minCalls,
          "a gate with no calls proves nothing; the default is " + DEFAULT_MIN_CALLS);
    }
    // Gates on the shadow are judged before the first wave (ShadowGates); the waves get the rest,
    // or the defaults when the rest is none.
    List<Gate> chosen =
        gates == null ? List.of() : gates.stream().filter(gate -> !gate.readsShadow()).toList();
    if (chosen.isEmpty() && autoProbeChangeId != null) {
      chosen = DEFAULT_PATCH_GATES.stream().map(Gate::parse).toList();
    }
    if (autoProbeChangeId == null) {
      for (Gate gate : chosen) {
        if (gate.readsAutomaticProbe()) {
          throw new JLiveException(
              ErrorCode.BAD_REQUEST,
              "gate '"
                  + gate.text()
                  + "' reads a bare metric, which only a patch rollout has (its automatic probe"
                  + " on the changed methods)",
              "name a metrics probe of the service, e.g. probe:c7.p99 <= 1.2 * control");
        }
      }
    }
    this.gates = chosen;
    this.minCalls = minCalls;
    this.autoProbe = autoProbeChangeId;
  }

  /** The gates judged, defaults included. */
  public List<Gate> gates() {
    return gates;
  }

  public long minCalls() {
    return minCalls;
  }

  /**
   * Judges every gate over one window.
   *
   * @param canary the processes on the new code for the whole window
   * @param control the processes on the old code for the whole window; empty when none is left
   */
  public Verdict judge(WindowMetrics window, Set<String> canary, Set<String> control) {
    List<GateResult> results = new ArrayList<>();
    for (Gate gate : gates) {
      results.add(judge(gate, window, canary, control));
    }
    Set<String> both = new LinkedHashSet<>(canary);
    both.addAll(control);
    return new Verdict(Verdict.combine(results), results, window.notes(both));
  }

  private GateResult judge(
      Gate gate, WindowMetrics window, Set<String> canary, Set<String> control) {
    if (canary.isEmpty()) {
      return waiting(gate, 0, 0, "waiting: no process is on the new code yet");
    }
    if (gate.readsControl() && control.isEmpty()) {
      return new GateResult(
          gate.text(),
          Outcome.PASS,
          null,
          null,
          null,
          0,
          0,
          true,
          "skipped: no process is left on the old code to compare with (earlier waves compared)");
    }
    Map<String, ProbeMetrics> sums = new HashMap<>();
    Term.Figures figures =
        (probe, group) ->
            sums.computeIfAbsent(
                probe + "/" + group,
                key -> window.sum(probe, group == Group.CANARY ? canary : control));
    long canaryCalls = Long.MAX_VALUE;
    long controlCalls = gate.readsControl() ? Long.MAX_VALUE : 0;
    String shortProbe = null;
    boolean timed = false;
    for (GroupRead read : gate.reads()) {
      String probe = read.read().probeOr(autoProbe);
      boolean latency = read.read().metric().isLatency();
      long calls = calls(figures.of(probe, read.group()), latency);
      if (calls < minCalls && shortProbe == null) {
        shortProbe = probe;
        timed = latency;
      }
      if (read.group() == Group.CANARY) {
        canaryCalls = Math.min(canaryCalls, calls);
      } else {
        controlCalls = Math.min(controlCalls, calls);
      }
    }
    if (canaryCalls == Long.MAX_VALUE) {
      // A gate of constants reads no probe: it rests on no calls.
      canaryCalls = 0;
    }
    if (shortProbe != null) {
      String what = timed ? " timed calls" : " calls";
      String counts =
          count(canaryCalls)
              + " of "
              + count(minCalls)
              + " canary"
              + (gate.readsControl()
                  ? what + " and " + count(controlCalls) + " of " + count(minCalls) + " control"
                  : "")
              + what;
      String ofProbe = shortProbe.equals(autoProbe) ? "" : " of probe " + shortProbe;
      return waiting(gate, canaryCalls, controlCalls, "waiting for traffic: " + counts + ofProbe);
    }
    Gate.Evaluation evaluation;
    try {
      evaluation = gate.evaluate(figures, autoProbe);
    } catch (Term.CannotJudge e) {
      return new GateResult(
          gate.text(),
          Outcome.FAIL,
          null,
          null,
          null,
          canaryCalls,
          controlCalls,
          false,
          "cannot judge: " + e.getMessage());
    }
    String over =
        " over "
            + count(canaryCalls)
            + " canary"
            + (gate.readsControl() ? " and " + count(controlCalls) + " control" : "")
            + " calls";
    return new GateResult(
        gate.text(),
        evaluation.holds() ? Outcome.PASS : Outcome.FAIL,
        finite(evaluation.canary()),
        evaluation.control() == null ? null : finite(evaluation.control()),
        finite(evaluation.limit()),
        canaryCalls,
        controlCalls,
        false,
        evaluation.explanation() + over);
  }

  /** A latency rests on the calls that were timed; a count or a share on every call. */
  private static long calls(ProbeMetrics metrics, boolean latency) {
    if (metrics == null) {
      return 0;
    }
    if (latency) {
      return metrics.latency() == null ? metrics.calls() : metrics.latency().timedCalls();
    }
    return metrics.calls();
  }

  private static GateResult waiting(
      Gate gate, long canaryCalls, long controlCalls, String explanation) {
    return new GateResult(
        gate.text(),
        Outcome.WAITING,
        null,
        null,
        null,
        canaryCalls,
        controlCalls,
        false,
        explanation);
  }

  /** JSON has no infinity; a figure that overflowed is shown as the largest number. */
  private static double finite(double value) {
    if (Double.isNaN(value)) {
      return 0;
    }
    return Math.max(-Double.MAX_VALUE, Math.min(Double.MAX_VALUE, value));
  }

  private static String count(long calls) {
    return String.format(Locale.ROOT, "%,d", calls);
  }
}

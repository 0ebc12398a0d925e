package dev.jlive.controller.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.rollout.GateResult;
import dev.jlive.protocol.rollout.Verdict;
import dev.jlive.protocol.rollout.Verdict.Outcome;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 13: the judge of a wave, canary against control over the same window. */
class HealthGatesTest {
  private static final long MS = 1_000_000;
  private static final String AUTO = "c12";
  private static final Set<String> CANARY = Set.of("web-1");
  private static final Set<String> CONTROL = Set.of("web-2", "web-3");

  /** The processes' probes, and the window opened on them. */
  private final Map<String, Map<String, ProbeRecorder>> fleet = new HashMap<>();

  private Map<String, Map<String, ProbeMetrics>> opened;

  private ProbeRecorder probe(String process, String changeId) {
    return fleet
        .computeIfAbsent(process, p -> new HashMap<>())
        .computeIfAbsent(changeId, ProbeRecorder::new);
  }

  private Map<String, Map<String, ProbeMetrics>> reports() {
    Map<String, Map<String, ProbeMetrics>> reports = new HashMap<>();
    fleet.forEach(
        (process, probes) -> {
          Map<String, ProbeMetrics> metrics = new HashMap<>();
          probes.forEach((id, recorder) -> metrics.put(id, recorder.report()));
          reports.put(process, metrics);
        });
    return reports;
  }

  private void openWindow() {
    for (String process : List.of("web-1", "web-2", "web-3")) {
      probe(process, AUTO);
    }
    opened = reports();
  }

  private Verdict judge(HealthGates gates) {
    Verdict verdict = gates.judge(WindowMetrics.between(opened, reports()), CANARY, CONTROL);
    // Every verdict is stored in ZooKeeper and read back by another controller: the same.
    assertThat(Verdict.fromWire(Json.parseObject(Json.write(verdict.toJson())))).isEqualTo(verdict);
    return verdict;
  }

  private static HealthGates gates(String... gates) {
    return new HealthGates(
        List.of(gates).stream().map(Gate::parse).toList(), HealthGates.DEFAULT_MIN_CALLS, AUTO);
  }

  @Test
  void aCanaryThatThrowsFailsTheErrorsGateWithTheFigures() {
    openWindow();
    probe("web-1", AUTO).calls(900, MS, null).calls(100, MS, "java.lang.IllegalStateException");
    probe("web-2", AUTO).calls(1500, MS, null).calls(15, MS, "java.lang.IllegalStateException");
    probe("web-3", AUTO).calls(1485, MS, null);

    Verdict verdict = judge(gates("errors <= 1.1 * control + 0.001"));

    assertThat(verdict.outcome()).isEqualTo(Outcome.FAIL);
    GateResult result = verdict.results().get(0);
    assertThat(result.canary()).isEqualTo(0.1);
    assertThat(result.control()).isEqualTo(0.005);
    assertThat(result.limit()).isEqualTo(0.0065, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.canaryCalls()).isEqualTo(1000);
    assertThat(result.controlCalls()).isEqualTo(3000);
    assertThat(result.explanation())
        .isEqualTo(
            "errors 10% > 1.1 × control 0.5% + 0.1% = 0.65% over 1,000 canary and 3,000 control"
                + " calls");
  }

  @Test
  void aSlowCanaryFailsTheLatencyGateAndAHealthyOnePasses() {
    openWindow();
    probe("web-1", AUTO).calls(1204, 41 * MS, null);
    probe("web-2", AUTO).calls(1700, 18 * MS, null);
    probe("web-3", AUTO).calls(1611, 18 * MS, null);

    Verdict slow = judge(gates("p99 <= 1.2 * control + 2ms"));
    assertThat(slow.outcome()).isEqualTo(Outcome.FAIL);
    // Percentiles are bucket tops, never above the maximum: exact here, where every call took the
    // same.
    assertThat(slow.results().get(0).explanation())
        .isEqualTo(
            "p99 41.0 ms > 1.2 × control 18.0 ms + 2 ms = 23.6 ms over 1,204 canary and 3,311"
                + " control calls");

    openWindow();
    probe("web-1", AUTO).calls(1204, 19 * MS, null);
    probe("web-2", AUTO).calls(1700, 18 * MS, null);
    probe("web-3", AUTO).calls(1611, 18 * MS, null);
    Verdict healthy = judge(gates("p99 <= 1.2 * control + 2ms"));
    assertThat(healthy.outcome()).as(healthy.toString()).isEqualTo(Outcome.PASS);
    assertThat(healthy.results().get(0).explanation())
        .startsWith("p99 21.0 ms <= 1.2 × control 18.0 ms + 2 ms = 23.6 ms");
  }

  @Test
  void tooFewCallsWaitAndNeverPass() {
    openWindow();
    probe("web-1", AUTO).calls(120, MS, null);
    probe("web-2", AUTO).calls(2000, MS, null);

    Verdict verdict = judge(gates("errors <= 1.1 * control + 0.001"));

    assertThat(verdict.outcome()).isEqualTo(Outcome.WAITING);
    assertThat(verdict.results().get(0).explanation())
        .isEqualTo("waiting for traffic: 120 of 200 canary calls and 2,000 of 200 control calls");
    assertThat(verdict.results().get(0).canary()).isNull();

    // The same canary with enough calls passes: it was the traffic, not the figures.
    probe("web-1", AUTO).calls(80, MS, null);
    assertThat(judge(gates("errors <= 1.1 * control + 0.001")).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void aFailureWinsOverWaitingAndWaitingOverPassing() {
    openWindow();
    probe("web-1", AUTO).calls(300, MS, "java.lang.IllegalStateException");
    probe("web-2", AUTO).calls(300, MS, null);
    probe("web-1", "c7").calls(10, MS, null);

    Verdict verdict =
        judge(gates("calls >= 1", "probe:c7.p99 <= 50ms", "errors <= 1.1 * control + 0.001"));
    assertThat(verdict.results())
        .extracting(GateResult::outcome)
        .containsExactly(Outcome.PASS, Outcome.WAITING, Outcome.FAIL);
    assertThat(verdict.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(verdict.results().get(1).explanation())
        .isEqualTo("waiting for traffic: 10 of 200 canary timed calls of probe c7");

    Verdict waiting = judge(gates("calls >= 1", "probe:c7.p99 <= 50ms"));
    assertThat(waiting.outcome()).isEqualTo(Outcome.WAITING);
  }

  @Test
  void aGateOnControlIsSkippedWhenNoProcessIsLeftOnTheOldCode() {
    openWindow();
    probe("web-1", AUTO).calls(500, MS, null);
    probe("web-1", "c7").calls(500, 60 * MS, null);
    HealthGates gates = gates("errors <= 1.1 * control", "probe:c7.p99 <= 50ms");

    Verdict verdict = gates.judge(WindowMetrics.between(opened, reports()), CANARY, Set.of());

    assertThat(verdict.results().get(0).skipped()).isTrue();
    assertThat(verdict.results().get(0).outcome()).isEqualTo(Outcome.PASS);
    assertThat(verdict.results().get(0).explanation())
        .isEqualTo(
            "skipped: no process is left on the old code to compare with (earlier waves"
                + " compared)");
    // An absolute gate is still judged at 100%.
    assertThat(verdict.results().get(1).outcome()).isEqualTo(Outcome.FAIL);
    assertThat(verdict.results().get(1).explanation())
        .isEqualTo("probe:c7.p99 60.0 ms > 50 ms over 500 canary calls");
  }

  @Test
  void aRestartedControlProcessIsLeftOutAndTheVerdictSaysSo() {
    probe("web-3", AUTO).calls(10_000, MS, null);
    openWindow();
    probe("web-1", AUTO).calls(300, MS, null);
    probe("web-2", AUTO).calls(300, MS, null);
    fleet.get("web-3").put(AUTO, new ProbeRecorder(AUTO).calls(50, MS, "java.lang.Error"));

    Verdict verdict = judge(gates("errors <= 1.1 * control + 0.001"));

    assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
    assertThat(verdict.results().get(0).controlCalls()).isEqualTo(300);
    assertThat(verdict.notes()).singleElement().asString().startsWith("web-3 left out: its counts");
  }

  @Test
  void aLatencyGateOnAProbeWithoutHistogramFailsSayingWhy() {
    openWindow();
    ProbeMetrics count = new ProbeMetrics("p2", "a.B#c", "count", 500, null, null, null);
    Map<String, Map<String, ProbeMetrics>> end = reports();
    end.get("web-1").put("c8", count);
    Verdict verdict =
        gates("probe:c8.p99 <= 50ms").judge(WindowMetrics.between(opened, end), CANARY, CONTROL);
    assertThat(verdict.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(verdict.results().get(0).explanation())
        .isEqualTo(
            "cannot judge: probe c8 is a count probe and keeps no latency histogram for"
                + " probe:c8.p99; read latencies from a metrics probe");
  }

  @Test
  void bareMetricsNeedAPatchRolloutsAutomaticProbe() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () -> new HealthGates(List.of(Gate.parse("p99 <= 1.2 * control")), 200, null));
    assertThat(e.getMessage())
        .isEqualTo(
            "gate 'p99 <= 1.2 * control' reads a bare metric, which only a patch rollout has (its"
                + " automatic probe on the changed methods)");
    assertThat(new HealthGates(List.of(), 200, null).gates()).isEmpty();
    assertThat(new HealthGates(List.of(), 200, AUTO).gates())
        .extracting(Gate::text)
        .containsExactlyElementsOf(HealthGates.DEFAULT_PATCH_GATES);
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> new HealthGates(List.of(), 0, AUTO))
                .getMessage())
        .isEqualTo("the minimum calls of a gate must be 1 or more, not 0");
  }

  /**
   * Noise: the same code on both sides, with realistic spread (log-normal latencies around 2 ms, a
   * pause of 15-40 ms on one call in 400, exceptions on 2% of calls), over 2,000 windows of 200 to
   * 3,000 canary calls. The default gates never fail; a gate without slack (the negative control,
   * the same harness with the margin off) fails on noise alone, so the harness does produce noise.
   */
  @Test
  void theDefaultGatesDoNotFireOnNoiseButAGateWithoutSlackDoes() {
    Random random = new Random(13);
    HealthGates defaults = new HealthGates(List.of(), HealthGates.DEFAULT_MIN_CALLS, AUTO);
    HealthGates noSlack = gates("p99 <= control", "errors <= control");
    int falseFailures = 0;
    int noSlackFailures = 0;
    int windows = 2000;
    for (int w = 0; w < windows; w++) {
      openWindow();
      int canaryCalls = 200 + random.nextInt(2800);
      traffic(random, "web-1", canaryCalls, 0, 0);
      traffic(random, "web-2", canaryCalls, 0, 0);
      traffic(random, "web-3", canaryCalls, 0, 0);
      WindowMetrics window = WindowMetrics.between(opened, reports());
      Verdict verdict = defaults.judge(window, CANARY, CONTROL);
      assertThat(verdict.outcome()).as("window %d: %s", w, verdict).isNotEqualTo(Outcome.WAITING);
      if (verdict.failed()) {
        falseFailures++;
      }
      if (noSlack.judge(window, CANARY, CONTROL).failed()) {
        noSlackFailures++;
      }
    }
    assertThat(falseFailures).isZero();
    assertThat(noSlackFailures).isGreaterThan(windows / 4);
  }

  /** The other side of noise: the defaults catch real harm on the smallest window they judge. */
  @Test
  void theDefaultGatesCatchAThrowingOrSleepingPatchOnTheFirstWindow() {
    Random random = new Random(7);
    HealthGates defaults = new HealthGates(List.of(), HealthGates.DEFAULT_MIN_CALLS, AUTO);
    for (int w = 0; w < 200; w++) {
      openWindow();
      traffic(random, "web-1", 200, 0.15, 0);
      traffic(random, "web-2", 200, 0, 0);
      traffic(random, "web-3", 200, 0, 0);
      Verdict throwing = defaults.judge(WindowMetrics.between(opened, reports()), CANARY, CONTROL);
      assertThat(throwing.outcome()).as("window %d: %s", w, throwing).isEqualTo(Outcome.FAIL);

      openWindow();
      traffic(random, "web-1", 200, 0, 50 * MS);
      traffic(random, "web-2", 200, 0, 0);
      traffic(random, "web-3", 200, 0, 0);
      Verdict sleeping = defaults.judge(WindowMetrics.between(opened, reports()), CANARY, CONTROL);
      assertThat(sleeping.outcome()).as("window %d: %s", w, sleeping).isEqualTo(Outcome.FAIL);
      assertThat(sleeping.results().get(1).explanation())
          .matches("p90 [5-6]\\d\\.\\d ms > 2 × control .*");
    }
  }

  /**
   * Calls of the same method: log-normal around 2 ms, a pause on one call in 400, base exceptions
   * on 2% of calls; {@code extraErrors} and {@code extraNanos} are what a bad patch adds.
   */
  private void traffic(
      Random random, String process, int calls, double extraErrors, long extraNanos) {
    ProbeRecorder recorder = probe(process, AUTO);
    for (int i = 0; i < calls; i++) {
      long nanos = (long) (2 * MS * Math.exp(0.4 * random.nextGaussian()));
      if (random.nextInt(400) == 0) {
        nanos += (15 + random.nextInt(25)) * MS;
      }
      double errors = 0.02 + extraErrors;
      String exception =
          random.nextDouble() < errors ? "dev.jlive.demo.shop.CheckoutException" : null;
      recorder.call(nanos + extraNanos, exception);
    }
  }

  @Test
  void aVerdictReadsBackStrictly() {
    Map<String, Object> json =
        new HashMap<>(
            Map.of(
                "outcome",
                "fail",
                "results",
                List.of(
                    Map.of(
                        "gate", "p99 <= 50ms",
                        "outcome", "waiting",
                        "canaryCalls", 3L))));
    Verdict verdict = Verdict.fromWire(json);
    assertThat(verdict.results().get(0).canary()).isNull();
    json.put("outcome", "maybe");
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> Verdict.fromWire(json)).getMessage())
        .isEqualTo("the gates' verdict: 'maybe' is not a valid outcome");
    assertThat(new LinkedHashSet<>(List.of(Outcome.values())))
        .containsExactly(Outcome.PASS, Outcome.FAIL, Outcome.WAITING);
  }
}

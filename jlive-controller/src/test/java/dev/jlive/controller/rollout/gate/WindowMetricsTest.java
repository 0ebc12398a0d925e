package dev.jlive.controller.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a window's figures are end minus start per process, and only where that means
 * something.
 */
class WindowMetricsTest {
  private static final long MS = 1_000_000;

  @Test
  void theWindowIsEndMinusStartForCountsExceptionsAndHistogram() {
    ProbeRecorder web1 = new ProbeRecorder("c4");
    web1.calls(1000, 2 * MS, null).calls(10, 2 * MS, "java.lang.IllegalStateException");
    ProbeMetrics start = web1.report();
    web1.calls(300, 40 * MS, null).calls(5, 40 * MS, "java.lang.IllegalStateException");
    ProbeMetrics end = web1.report();

    WindowMetrics window =
        WindowMetrics.between(
            Map.of("web-1", Map.of("c4", start)), Map.of("web-1", Map.of("c4", end)));

    ProbeMetrics figures = window.sum("c4", Set.of("web-1"));
    assertThat(figures.calls()).isEqualTo(305);
    assertThat(figures.exceptions())
        .containsExactly(Map.entry("java.lang.IllegalStateException", 5L));
    // Only the window's slow calls: every percentile is ~40 ms, none of the 2 ms calls before it.
    assertThat(figures.latency().count()).isEqualTo(305);
    assertThat(figures.latency().p50Millis()).isBetween(40.0, 42.5);
    assertThat(figures.latency().maxMillis()).isBetween(40.0, 42.5);
    assertThat(figures.latency().meanMillis()).isEqualTo(40.0);
    assertThat(window.leftOut()).isEmpty();
  }

  @Test
  void aProcessWhoseCountsWentDownRestartedAndIsLeftOutSayingSo() {
    ProbeRecorder before = new ProbeRecorder("c4").calls(5000, MS, null);
    ProbeRecorder restarted = new ProbeRecorder("c4").calls(40, MS, null);
    ProbeRecorder steady = new ProbeRecorder("c4").calls(100, MS, null);
    ProbeMetrics steadyStart = steady.report();
    steady.calls(50, MS, null);

    WindowMetrics window =
        WindowMetrics.between(
            Map.of("web-1", Map.of("c4", before.report()), "web-2", Map.of("c4", steadyStart)),
            Map.of(
                "web-1", Map.of("c4", restarted.report()), "web-2", Map.of("c4", steady.report())));

    assertThat(window.perProcess()).containsOnlyKeys("web-2");
    assertThat(window.sum("c4", Set.of("web-1", "web-2")).calls()).isEqualTo(50);
    assertThat(window.notes())
        .containsExactly(
            "web-1 left out: its counts of probe c4 went down within the window (it restarted or"
                + " registered again)");
  }

  @Test
  void aHistogramResetWithMoreCallsIsStillARestart() {
    // Calls alone would not show it: 900 calls before, 1,000 after a restart.
    ProbeRecorder before = new ProbeRecorder("c4").calls(900, 5 * MS, null);
    ProbeRecorder after = new ProbeRecorder("c4").calls(1000, MS, null);
    WindowMetrics window =
        WindowMetrics.between(
            Map.of("web-1", Map.of("c4", before.report())),
            Map.of("web-1", Map.of("c4", after.report())));
    assertThat(window.perProcess()).isEmpty();
    assertThat(window.leftOut()).containsKey("web-1");
  }

  @Test
  void aProcessMissingAtEitherEndIsLeftOut() {
    ProbeMetrics metrics = new ProbeRecorder("c4").calls(10, MS, null).report();
    WindowMetrics window =
        WindowMetrics.between(
            Map.of("gone", Map.of("c4", metrics), "both", Map.of("c4", metrics)),
            Map.of("new", Map.of("c4", metrics), "both", Map.of("c4", metrics)));
    assertThat(window.perProcess()).containsOnlyKeys("both");
    assertThat(window.notes())
        .containsExactly(
            "gone left out: it stopped reporting within the window",
            "new left out: it had not reported when the window opened");
    assertThat(window.notes(Set.of("new"))).hasSize(1);
  }

  @Test
  void aProbeThatReachedAProcessWithinTheWindowCountsFromZero() {
    ProbeMetrics metrics = new ProbeRecorder("c9").calls(70, MS, null).report();
    WindowMetrics window =
        WindowMetrics.between(Map.of("web-1", Map.of()), Map.of("web-1", Map.of("c9", metrics)));
    assertThat(window.sum("c9", Set.of("web-1")).calls()).isEqualTo(70);
  }

  @Test
  void groupsAddUpAsOneProcessWouldHaveCounted() {
    ProbeRecorder fast = new ProbeRecorder("c4").calls(900, MS, null);
    ProbeRecorder slow = new ProbeRecorder("c4").calls(100, 100 * MS, "java.io.IOException");
    WindowMetrics window =
        WindowMetrics.between(
            Map.of("a", Map.of(), "b", Map.of()),
            Map.of("a", Map.of("c4", fast.report()), "b", Map.of("c4", slow.report())));
    ProbeMetrics both = window.sum("c4", Set.of("a", "b"));
    assertThat(both.calls()).isEqualTo(1000);
    assertThat(both.exceptions()).containsEntry("java.io.IOException", 100L);
    // The p90 of the sum sits among the fast calls, the p99 among the slow: percentiles of the
    // added histogram, which no average of the two processes' percentiles could give.
    assertThat(both.latency().p90Millis()).isLessThan(1.1);
    assertThat(both.latency().p99Millis()).isGreaterThanOrEqualTo(100.0);
    assertThat(window.sum("c4", Set.of("nobody"))).isNull();
  }

  @Test
  void reportsAsTheControllerKeepsThemReadAsProbeMetrics() {
    ProbeMetrics metrics = new ProbeRecorder("c4").calls(3, MS, null).report();
    Map<String, ProcessReport> reports =
        Map.of(
            "web-1",
            new ProcessReport(
                Map.of(),
                Map.<String, Object>of("c4", metrics.toJson(), "c5", Map.of("calls", "many")),
                "now"));
    Map<String, Map<String, ProbeMetrics>> read = WindowMetrics.reported(reports);
    assertThat(read.get("web-1")).containsOnlyKeys("c4");
    assertThat(read.get("web-1").get("c4").calls()).isEqualTo(3);
  }
}

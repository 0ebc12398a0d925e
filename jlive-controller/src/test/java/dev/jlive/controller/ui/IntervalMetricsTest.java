package dev.jlive.controller.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.metrics.ServiceProbeMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntervalMetricsTest {
  private static final long ONE_MS = 1_000_000;
  private static final long HUNDRED_MS = 100_000_000;

  /**
   * 1 ms = 0b1111_0100_0010_0100_0000 ns: top bits 1111 at exponent 16, so the bucket tops out at
   * (16 << 16) - 1 = 1,048,575 ns, shown to the microsecond.
   */
  private static final double ONE_MS_BUCKET_TOP = 1.049;

  /** 100 ms: highest bit 26, top bits 1011 (11) at exponent 23: (12 << 23) - 1 = 100,663,295 ns. */
  private static final double HUNDRED_MS_BUCKET_TOP = 100.663;

  private static final int FAST = LatencyBuckets.index(ONE_MS);
  private static final int SLOW = LatencyBuckets.index(HUNDRED_MS);

  @Test
  void theIntervalsPercentilesComeFromEveryProcesssOwnDifferenceAddedUp() {
    Map<String, ProbeMetrics> before =
        Map.of(
            "a", probe(1000, Map.of(FAST, 1000L), 0),
            "b", probe(500, Map.of(FAST, 500L), 0),
            "c", probe(800, Map.of(FAST, 800L), 0));
    Map<String, ProbeMetrics> after =
        Map.of(
            // a: 90 more fast calls
            "a", probe(1090, Map.of(FAST, 1090L), 0),
            // b: 10 slow calls, 2 of them threw
            "b", probe(510, Map.of(FAST, 500L, SLOW, 10L), 2),
            // c restarted its probe (counts went down): its 5 calls cannot be placed in the
            // interval
            "c", probe(5, Map.of(SLOW, 5L), 0),
            // d just joined: what it counted happened before anyone could see it
            "d", probe(50, Map.of(SLOW, 50L), 0));

    IntervalMetrics interval = IntervalMetrics.between(before, after);

    assertThat(interval.calls()).isEqualTo(100);
    assertThat(interval.errors()).isEqualTo(2);
    assertThat(interval.processes()).isEqualTo(4);
    assertThat(interval.buckets()).containsExactlyInAnyOrderEntriesOf(Map.of(FAST, 90L, SLOW, 10L));
    // Of 100 timings, 90 fast then 10 slow: rank 50 and rank 90 are fast, rank 99 is slow.
    assertThat(interval.percentileMillis(0.50)).isEqualTo(ONE_MS_BUCKET_TOP);
    assertThat(interval.percentileMillis(0.90)).isEqualTo(ONE_MS_BUCKET_TOP);
    assertThat(interval.percentileMillis(0.99)).isEqualTo(HUNDRED_MS_BUCKET_TOP);
  }

  @Test
  void theHistogramSinceTheProbeBeganHidesTheSlowSecond() {
    // The control: what the chart drew before (the merged cumulative histogram) says p99 = 1 ms
    // for the same reports, since 1,590 fast calls since the start drown the 10 slow ones.
    ServiceProbeMetrics cumulative =
        ServiceProbeMetrics.merge(
            "c1",
            List.of(
                probe(1090, Map.of(FAST, 1090L), 0), probe(510, Map.of(FAST, 500L, SLOW, 10L), 2)));
    assertThat(cumulative.latency().p99Millis()).isEqualTo(ONE_MS_BUCKET_TOP);
  }

  @Test
  void anIntervalWithNoTimingsHasNoPercentiles() {
    Map<String, ProbeMetrics> same = Map.of("a", probe(10, Map.of(FAST, 10L), 0));
    IntervalMetrics interval = IntervalMetrics.between(same, same);
    assertThat(interval.calls()).isZero();
    assertThat(interval.percentileMillis(0.99)).isNull();
  }

  private static ProbeMetrics probe(long calls, Map<Integer, Long> buckets, long errors) {
    long timed = buckets.values().stream().mapToLong(Long::longValue).sum();
    return new ProbeMetrics(
        "c1",
        "demo.Shop#price",
        "metrics",
        calls,
        LatencySnapshot.of(buckets, timed, timed, timed * ONE_MS, HUNDRED_MS),
        errors == 0 ? Map.of() : Map.of("java.lang.IllegalStateException", errors),
        null);
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void reportsTheSharedBucketsSumAndMaxSoThatHistogramsMerge() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(1_000);
    histogram.record(1_000);
    histogram.record(5_000_000);

    Map<String, Object> json = histogram.snapshot().toJson();
    assertThat(json)
        .containsEntry("count", 3L)
        .containsEntry("timedCalls", 3L)
        .containsEntry("sumNanos", 5_002_000L)
        .containsEntry("maxNanos", 5_000_000L)
        .containsEntry("maxMillis", 5.0)
        .containsKeys("meanMillis", "p50Millis", "p90Millis", "p99Millis", "p999Millis");
    @SuppressWarnings("unchecked")
    Map<String, Object> buckets = (Map<String, Object>) json.get("buckets");
    assertThat(buckets)
        .containsOnly(
            Map.entry(Integer.toString(LatencyBuckets.index(1_000)), 2L),
            Map.entry(Integer.toString(LatencyBuckets.index(5_000_000)), 1L));

    // What a controller does with two processes' histograms, read back from the wire.
    LatencySnapshot reported = LatencySnapshot.fromWire(json);
    LatencySnapshot merged = reported.plus(reported);
    assertThat(merged.buckets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(6L);
    assertThat(merged.count()).isEqualTo(6L);
    assertThat(merged.p50Millis())
        .isEqualTo(LatencySnapshot.millis(LatencyBuckets.upperBound(LatencyBuckets.index(1_000))));
  }

  @Test
  void percentilesComeFromTheBucketsAndNeverExceedTheMaximum() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long value = 1; value <= 1_000; value++) {
      histogram.record(value * 1_000);
    }
    assertThat(histogram.percentile(0.5)).isBetween(500_000L, 532_000L);
    assertThat(histogram.percentile(0.99)).isBetween(990_000L, 1_000_000L);
    assertThat(histogram.percentile(1.0)).isEqualTo(1_000_000L);
    assertThat(new LatencyHistogram().percentile(0.5)).isZero();
  }

  @Test
  void aSampledTimingStandsForItsWeightInCountSumAndBuckets() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(2_000, 1);
    histogram.record(4_000, 8);

    Map<String, Object> json = histogram.snapshot().toJson();
    assertThat(json)
        .containsEntry("count", 9L)
        .containsEntry("timedCalls", 2L)
        .containsEntry("sumNanos", 34_000L)
        .containsEntry("maxNanos", 4_000L);
    @SuppressWarnings("unchecked")
    Map<String, Object> buckets = (Map<String, Object>) json.get("buckets");
    assertThat(buckets).containsEntry(Integer.toString(LatencyBuckets.index(4_000)), 8L);
    assertThat(histogram.percentile(0.5))
        .isEqualTo(4_000L); // the bucket's upper bound, capped at the maximum
  }

  @Test
  void negativeDurationsCountAsZero() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(-5);
    assertThat(histogram.snapshot().toJson())
        .containsEntry("sumNanos", 0L)
        .containsEntry("count", 1L);
  }
}

package dev.jlive.demo.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void bucketsAreOrderedAndWithinASixteenthOfTheirValues() {
    int previous = -1;
    for (long micros = 0; micros < 5_000_000; micros += 1 + micros / 50) {
      int bucket = LatencyHistogram.bucketOf(micros);
      assertThat(bucket).isGreaterThanOrEqualTo(previous).isLessThan(LatencyHistogram.BUCKETS);
      assertThat(LatencyHistogram.midpointOf(bucket))
          .isCloseTo(micros, within(micros / 16.0 + 0.5));
      previous = bucket;
    }
    assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }

  @Test
  void readsPercentilesBack() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int millis = 1; millis <= 100; millis++) {
      histogram.record(millis * 1000L);
    }

    LatencyHistogram.Snapshot snapshot = histogram.snapshot();

    assertThat(snapshot.count()).isEqualTo(100);
    assertThat(snapshot.percentileMillis(50)).isCloseTo(50, within(50 / 16.0));
    assertThat(snapshot.percentileMillis(99)).isCloseTo(99, within(99 / 16.0));
    assertThat(snapshot.percentileMillis(100)).isCloseTo(100, within(100 / 16.0));
  }

  @Test
  void subtractsSnapshotsToGetAWindow() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(1_000_000);
    LatencyHistogram.Snapshot before = histogram.snapshot();
    histogram.record(2_000);
    histogram.record(2_000);

    LatencyHistogram.Snapshot window = histogram.snapshot().minus(before);

    assertThat(window.count()).isEqualTo(2);
    assertThat(window.percentileMillis(99)).isCloseTo(2, within(2 / 16.0));
    assertThat(LatencyHistogram.Snapshot.EMPTY.percentileMillis(50)).isZero();
  }
}

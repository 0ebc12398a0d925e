package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bucket a value is counted in, and the bound percentiles report for it. */
class LatencyBucketsTest {

  /**
   * Regression (found by issue 13's gates): the upper bound decoded the kept bits with one too
   * many, and reported 19 ms as 27.3 ms; a bucket's bound must hold its values, and not by more
   * than the bucket's width.
   */
  @Test
  void theUpperBoundHoldsTheValueAndIsWithinOneEighthOfIt() {
    Random random = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      long value = (random.nextLong() >>> 1) >>> random.nextInt(63);
      long bound = LatencyBuckets.upperBound(LatencyBuckets.index(value));
      assertThat(bound).as("value %d", value).isGreaterThanOrEqualTo(value);
      assertThat((double) bound).as("value %d", value).isLessThanOrEqualTo(value * 1.125 + 1);
    }
    assertThat(LatencyBuckets.upperBound(LatencyBuckets.index(19_000_000))).isEqualTo(20_971_519);
    assertThat(LatencyBuckets.upperBound(LatencyBuckets.index(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void bucketsFollowEachOtherWithoutGapsOrOverlaps() {
    for (long value = 1; value < 1 << 20; value++) {
      int index = LatencyBuckets.index(value);
      int before = LatencyBuckets.index(value - 1);
      if (index != before) {
        assertThat(LatencyBuckets.upperBound(before)).as("value %d", value).isEqualTo(value - 1);
      }
    }
  }

  /**
   * The branch-free index (section 54 of docs/BENCHMARKS.md) must keep every value in the bucket
   * the earlier definition gave it: controllers add up the buckets of agents of both versions.
   */
  @Test
  void theIndexIsTheOneEarlierAgentsSend() {
    Random random = new Random(2);
    for (int i = 0; i < 200_000; i++) {
      long value = random.nextLong() >>> random.nextInt(64);
      assertThat(LatencyBuckets.index(value)).as("value %d", value).isEqualTo(earlierIndex(value));
    }
    for (long value = -20; value < 1 << 16; value++) {
      assertThat(LatencyBuckets.index(value)).as("value %d", value).isEqualTo(earlierIndex(value));
    }
    assertThat(LatencyBuckets.index(Long.MAX_VALUE)).isEqualTo(59 * 16 + 15);
    assertThat(LatencyBuckets.index(Long.MIN_VALUE)).isZero();
  }

  /** The index as agents up to 2026-12-03 computed it. */
  private static int earlierIndex(long value) {
    if (value < LatencyBuckets.SUB_BUCKETS) {
      return (int) Math.max(0, value);
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value) - LatencyBuckets.SUB_BUCKET_BITS + 1;
    int mantissa = (int) (value >>> exponent) & (LatencyBuckets.SUB_BUCKETS - 1);
    return exponent * LatencyBuckets.SUB_BUCKETS + mantissa;
  }
}

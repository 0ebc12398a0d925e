package dev.jlive.demo.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts latencies in fixed buckets, so that recording is one atomic increment with no allocation
 * and reading percentiles never needs the samples.
 *
 * <p>The buckets are log-linear, as in HdrHistogram: values below 16 µs have a bucket each, and
 * every power of two above is split into 16 equal buckets. A bucket is therefore at most 1/16 of
 * its values wide, and a percentile read back is within about 6% of the true one. Values above 2^40
 * µs (12 days) land in the last bucket.
 */
final class LatencyHistogram {

  private static final int SUB_BUCKET_BITS = 4;
  private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  private static final int MAX_EXPONENT = 40;
  static final int BUCKETS = SUB_BUCKETS + (MAX_EXPONENT - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long micros) {
    counts.incrementAndGet(bucketOf(Math.max(0, micros)));
  }

  Snapshot snapshot() {
    long[] copy = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      copy[i] = counts.get(i);
    }
    return new Snapshot(copy);
  }

  static int bucketOf(long micros) {
    if (micros < SUB_BUCKETS) {
      return (int) micros;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(micros);
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int shift = exponent - SUB_BUCKET_BITS;
    int sub = (int) (micros >>> shift) & (SUB_BUCKETS - 1);
    return SUB_BUCKETS + shift * SUB_BUCKETS + sub;
  }

  /** The middle of a bucket's range of values, in µs. */
  static double midpointOf(int bucket) {
    if (bucket < SUB_BUCKETS) {
      return bucket;
    }
    int shift = (bucket - SUB_BUCKETS) / SUB_BUCKETS;
    int sub = (bucket - SUB_BUCKETS) % SUB_BUCKETS;
    long lowest = (long) (SUB_BUCKETS + sub) << shift;
    long width = 1L << shift;
    return lowest + (width - 1) / 2.0;
  }

  /** The counts at one moment; two snapshots subtract to give the latencies in between. */
  static final class Snapshot {

    static final Snapshot EMPTY = new Snapshot(new long[BUCKETS]);

    private final long[] counts;
    private final long total;

    private Snapshot(long[] counts) {
      this.counts = counts;
      long sum = 0;
      for (long count : counts) {
        sum += count;
      }
      this.total = sum;
    }

    Snapshot minus(Snapshot earlier) {
      long[] difference = new long[BUCKETS];
      for (int i = 0; i < BUCKETS; i++) {
        difference[i] = counts[i] - earlier.counts[i];
      }
      return new Snapshot(difference);
    }

    long count() {
      return total;
    }

    /**
     * The latency below which {@code percentile} percent of the recorded ones fall, in ms; 0 if
     * nothing was recorded.
     */
    double percentileMillis(double percentile) {
      if (percentile <= 0 || percentile > 100) {
        throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
      }
      if (total == 0) {
        return 0;
      }
      long rank = (long) Math.ceil(total * percentile / 100);
      long seen = 0;
      for (int i = 0; i < BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return midpointOf(i) / 1000;
        }
      }
      return midpointOf(BUCKETS - 1) / 1000;
    }
  }
}

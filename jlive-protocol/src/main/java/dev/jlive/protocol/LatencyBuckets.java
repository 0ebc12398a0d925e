package dev.jlive.protocol;

import java.util.Map;
import java.util.TreeMap;

/**
 * The buckets of jlive's latency histograms: log-linear, each power of two split into 8 (a value's
 * top four bits are kept), so a value is kept within 12.5%. Agents record into them; the controller
 * adds the buckets of many processes and reads percentiles of the whole service from the sum, which
 * averaging percentiles could not give.
 */
public final class LatencyBuckets {
  private LatencyBuckets() {}

  public static final int SUB_BUCKET_BITS = 4;
  public static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  public static final int COUNT = (64 - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;

  /**
   * The bucket of {@code value}, 0 for a negative one: {@code exponent * SUB_BUCKETS + (value >>>
   * exponent)}, the exponent being how far the value's top four bits are from the bottom. Those top
   * bits, {@code value >>> exponent}, are 8 to 15 for a value of 8 or more, so they need no mask;
   * below 16 the exponent is 0 and the bucket is the value itself. {@code value | 8} makes values
   * below 8 count as four bits long, so one formula with no branch serves every value: agents
   * compute this on every timed call (docs/BENCHMARKS.md, section 54).
   */
  public static int index(long value) {
    if (value < 0) {
      return 0;
    }
    int exponent = Long.SIZE - SUB_BUCKET_BITS - Long.numberOfLeadingZeros(value | 8);
    return (exponent << SUB_BUCKET_BITS) + (int) (value >>> exponent);
  }

  /**
   * The largest value a bucket holds, which percentiles report (so they never under-state).
   *
   * <p>{@link #index} keeps a value's top {@link #SUB_BUCKET_BITS} bits ({@code value >>> exponent}
   * is 8 to 15) and its exponent, so the bucket is {@code [m << e, (m + 1) << e)}. This used to
   * decode the top bits as if a fifth, implicit one stood above them, which reported 19 ms as 27.3
   * ms and 41 ms as 54.5 ms: percentiles up to 40% high, enough to fail an absolute health gate.
   */
  public static long upperBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = index / SUB_BUCKETS;
    long mantissa = index % SUB_BUCKETS;
    if (mantissa + 1 == SUB_BUCKETS && exponent + SUB_BUCKET_BITS >= Long.SIZE) {
      return Long.MAX_VALUE;
    }
    return ((mantissa + 1) << exponent) - 1;
  }

  /**
   * The value below which {@code quantile} of the counted values lie; 0 when nothing was counted.
   */
  public static long percentile(Map<Integer, Long> counts, double quantile) {
    long total = 0;
    for (long count : counts.values()) {
      total += count;
    }
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (Map.Entry<Integer, Long> bucket : new TreeMap<>(counts).entrySet()) {
      seen += bucket.getValue();
      if (seen >= rank && bucket.getValue() > 0) {
        return upperBound(bucket.getKey());
      }
    }
    return upperBound(new TreeMap<>(counts).lastKey());
  }
}

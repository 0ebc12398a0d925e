package dev.jlive.agent.probe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free, allocation-free latency histogram: log-linear buckets (each power of two split
 * into 16), so a value is recorded within about 6% with one atomic add, and percentiles come
 * from the bucket counts. Recording costs the same at any latency, from nanoseconds to minutes.
 */
final class LatencyHistogram {
  private static final int SUB_BUCKET_BITS = 4;
  private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  private static final int BUCKETS = (64 - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder sumNanos = new LongAdder();
  private final LongAdder total = new LongAdder();
  private volatile long max;

  void record(long nanos) {
    long value = Math.max(0, nanos);
    counts.incrementAndGet(index(value));
    sumNanos.add(value);
    total.increment();
    if (value > max) {
      // A lost race only loses a maximum that another thread raised at the same instant.
      max = value;
    }
  }

  static int index(long value) {
    if (value < SUB_BUCKETS) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value) - SUB_BUCKET_BITS + 1;
    int mantissa = (int) (value >>> exponent) & (SUB_BUCKETS - 1);
    return exponent * SUB_BUCKETS + mantissa;
  }

  /** The largest value a bucket holds, which percentiles report (so they never under-state). */
  static long upperBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = index / SUB_BUCKETS;
    long mantissa = (index % SUB_BUCKETS) | SUB_BUCKETS;
    return ((mantissa + 1) << (exponent - 1)) - 1;
  }

  long count() {
    return total.sum();
  }

  long sumNanos() {
    return sumNanos.sum();
  }

  /** The value below which {@code quantile} of the recorded values lie, in nanoseconds. */
  long percentile(double quantile) {
    long[] snapshot = new long[BUCKETS];
    long recorded = 0;
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      recorded += snapshot[i];
    }
    if (recorded == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(quantile * recorded);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank && snapshot[i] > 0) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    long count = count();
    json.put("count", count);
    json.put("meanMillis", count == 0 ? 0.0 : millis(sumNanos() / count));
    json.put("p50Millis", millis(percentile(0.50)));
    json.put("p90Millis", millis(percentile(0.90)));
    json.put("p99Millis", millis(percentile(0.99)));
    json.put("p999Millis", millis(percentile(0.999)));
    json.put("maxMillis", millis(max));
    return json;
  }

  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}

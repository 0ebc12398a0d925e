package dev.jlive.agent.probe;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free, allocation-free latency histogram over {@link LatencyBuckets} (log-linear, each
 * power of two split into 16, so a value is kept within about 6%); percentiles come from the bucket
 * counts, and the buckets themselves are reported so that a controller can add the histograms of
 * many processes.
 *
 * <p>A timing may stand for several calls: a metrics probe times a random sample of calls, and a
 * timing taken with probability 1/N is recorded with weight N, so the buckets, {@code count} and
 * {@code sumNanos} estimate all calls without bias. {@code timedCalls} says how many timings the
 * estimate rests on; with every call timed, the weights are 1 and everything is exact.
 */
final class LatencyHistogram {
  private final AtomicLongArray counts = new AtomicLongArray(LatencyBuckets.COUNT);
  private final LongAdder sumNanos = new LongAdder();
  private final LongAdder weight = new LongAdder();
  private final LongAdder timed = new LongAdder();
  private final AtomicLong max = new AtomicLong();

  void record(long nanos) {
    record(nanos, 1);
  }

  /** Records one timing that stands for {@code calls} calls. */
  void record(long nanos, int calls) {
    long value = Math.max(0, nanos);
    counts.addAndGet(LatencyBuckets.index(value), calls);
    sumNanos.add(value * calls);
    weight.add(calls);
    timed.increment();
    long seen = max.get();
    while (value > seen && !max.compareAndSet(seen, value)) {
      seen = max.get();
    }
  }

  /** The calls the histogram stands for (the sum of the weights). */
  long count() {
    return weight.sum();
  }

  /** How many timings were recorded. */
  long timedCalls() {
    return timed.sum();
  }

  long sumNanos() {
    return sumNanos.sum();
  }

  long maxNanos() {
    return max.get();
  }

  private Map<Integer, Long> buckets() {
    Map<Integer, Long> buckets = new HashMap<>();
    for (int i = 0; i < LatencyBuckets.COUNT; i++) {
      long count = counts.get(i);
      if (count > 0) {
        buckets.put(i, count);
      }
    }
    return buckets;
  }

  /**
   * The value below which {@code quantile} of the recorded calls lie, in nanoseconds, never above
   * the maximum.
   */
  long percentile(double quantile) {
    return Math.min(LatencyBuckets.percentile(buckets(), quantile), maxNanos());
  }

  /** What the histogram holds now, buckets included, as metrics carry it. */
  LatencySnapshot snapshot() {
    return LatencySnapshot.of(buckets(), count(), timedCalls(), sumNanos(), maxNanos());
  }

  /** Nanoseconds as milliseconds to the microsecond, as every latency field shows them. */
  static double millis(long nanos) {
    return LatencySnapshot.millis(nanos);
  }
}

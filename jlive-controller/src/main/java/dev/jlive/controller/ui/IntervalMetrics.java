package dev.jlive.controller.ui;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one probe counted over the whole service between two samples: each process's report minus
 * its own earlier report, added up. Percentiles come from the added-up bucket differences, so they
 * describe the interval's calls alone and weigh every process by its calls (never an average of
 * percentiles, never the histogram since the probe began).
 *
 * <p>A process with no earlier report (it just joined) or whose counts went down (it restarted the
 * probe) adds nothing: what it counted cannot be placed in the interval.
 *
 * @param buckets the interval's timings by bucket, added up over the processes
 */
record IntervalMetrics(long calls, long errors, long processes, Map<Integer, Long> buckets) {

  static IntervalMetrics between(
      Map<String, ProbeMetrics> before, Map<String, ProbeMetrics> after) {
    long calls = 0;
    long errors = 0;
    Map<Integer, Long> buckets = new TreeMap<>();
    for (Map.Entry<String, ProbeMetrics> process : after.entrySet()) {
      ProbeMetrics now = process.getValue();
      ProbeMetrics earlier = before.get(process.getKey());
      if (earlier == null || now.calls() < earlier.calls()) {
        continue;
      }
      calls += now.calls() - earlier.calls();
      errors += Math.max(0, errors(now) - errors(earlier));
      Map<Integer, Long> was = buckets(earlier);
      buckets(now)
          .forEach(
              (index, count) -> {
                long grown = count - was.getOrDefault(index, 0L);
                if (grown > 0) {
                  buckets.merge(index, grown, Long::sum);
                }
              });
    }
    return new IntervalMetrics(calls, errors, after.size(), buckets);
  }

  /** The quantile of the interval's timings in milliseconds; null when nothing was timed. */
  Double percentileMillis(double quantile) {
    return buckets.isEmpty()
        ? null
        : Double.valueOf(LatencySnapshot.millis(LatencyBuckets.percentile(buckets, quantile)));
  }

  private static long errors(ProbeMetrics probe) {
    return probe.exceptions() == null
        ? 0
        : probe.exceptions().values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<Integer, Long> buckets(ProbeMetrics probe) {
    LatencySnapshot latency = probe.latency();
    return latency == null || latency.buckets() == null ? Map.of() : latency.buckets();
  }
}

package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts calls as an agent's metrics probe does (calls, exceptions by type, a histogram over {@link
 * LatencyBuckets} in nanoseconds), and reports the cumulative metrics an agent would sync.
 */
final class ProbeRecorder {
  private final String changeId;
  private final Map<Integer, Long> buckets = new TreeMap<>();
  private final Map<String, Long> exceptions = new TreeMap<>();
  private long calls;
  private long sumNanos;
  private long maxNanos;

  ProbeRecorder(String changeId) {
    this.changeId = changeId;
  }

  /** One call that took {@code nanos} and threw {@code exception} (a class name), or null. */
  ProbeRecorder call(long nanos, String exception) {
    calls++;
    buckets.merge(LatencyBuckets.index(nanos), 1L, Long::sum);
    sumNanos += nanos;
    maxNanos = Math.max(maxNanos, nanos);
    if (exception != null) {
      exceptions.merge(exception, 1L, Long::sum);
    }
    return this;
  }

  ProbeRecorder calls(int count, long nanos, String exception) {
    for (int i = 0; i < count; i++) {
      call(nanos, exception);
    }
    return this;
  }

  /** The cumulative metrics so far, as a sync carries them (through the wire form and back). */
  ProbeMetrics report() {
    ProbeMetrics metrics =
        new ProbeMetrics(
            changeId,
            "dev.jlive.demo.shop.Pricing#*",
            "metrics",
            calls,
            LatencySnapshot.of(buckets, calls, calls, sumNanos, maxNanos),
            exceptions,
            null);
    return ProbeMetrics.fromWire(metrics.toJson());
  }
}

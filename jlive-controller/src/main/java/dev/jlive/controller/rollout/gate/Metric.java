package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.Locale;
import java.util.Map;

/** A figure a gate can read from a metrics probe's window. */
enum Metric {
  CALLS(false),
  /** Exceptions thrown out of the method per call: a share, 0.02 = 2%. */
  ERRORS(false),
  /** Exceptions thrown out of the method: all, or of one type ({@code exceptions.TYPE}). */
  EXCEPTIONS(false),
  P50(true),
  P90(true),
  P99(true),
  MAX(true),
  MEAN(true);

  private final boolean latency;

  Metric(boolean latency) {
    this.latency = latency;
  }

  /** Whether its figure is a duration (in milliseconds), read from the latency histogram. */
  boolean isLatency() {
    return latency;
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every name a gate may use, for hints. */
  static String names() {
    return "calls, errors, exceptions, exceptions.TYPE, p50, p90, p99, max, mean";
  }

  static Metric named(String name) {
    for (Metric metric : values()) {
      if (metric.wireName().equals(name)) {
        return metric;
      }
    }
    return null;
  }

  /**
   * The figure over a window's metrics; {@code exceptionType} narrows {@link #EXCEPTIONS}, null for
   * all. Latencies need the histogram, which only metrics probes keep: null without one.
   */
  Double of(ProbeMetrics metrics, String exceptionType) {
    LatencySnapshot latency = metrics.latency();
    return switch (this) {
      case CALLS -> (double) metrics.calls();
      case EXCEPTIONS -> (double) exceptions(metrics.exceptions(), exceptionType);
      case ERRORS ->
          metrics.calls() == 0
              ? 0.0
              : exceptions(metrics.exceptions(), null) / (double) metrics.calls();
      case P50 -> latency == null ? null : latency.p50Millis();
      case P90 -> latency == null ? null : latency.p90Millis();
      case P99 -> latency == null ? null : latency.p99Millis();
      case MAX -> latency == null ? null : latency.maxMillis();
      case MEAN -> latency == null ? null : latency.meanMillis();
    };
  }

  /**
   * Exceptions of one type, by its full name ({@code java.lang.IllegalStateException}) or simple
   * name ({@code IllegalStateException}, or {@code Outer.Inner} for a nested one); all when null.
   */
  static long exceptions(Map<String, Long> byType, String type) {
    if (byType == null) {
      return 0;
    }
    long total = 0;
    for (Map.Entry<String, Long> entry : byType.entrySet()) {
      if (type == null || sameType(entry.getKey(), type)) {
        total += entry.getValue();
      }
    }
    return total;
  }

  private static boolean sameType(String className, String written) {
    String dotted = className.replace('$', '.');
    return className.equals(written)
        || dotted.equals(written)
        || dotted.endsWith("." + written.replace('$', '.'));
  }
}

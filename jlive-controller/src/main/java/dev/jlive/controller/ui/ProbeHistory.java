package dev.jlive.controller.ui;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ServiceProbeMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A short history of every probe's merged metrics, one point a second, for the dashboard's charts.
 * The agents report cumulative counts and histograms; a point is the difference between two
 * samples: calls and errors per second, and the percentiles of the calls of that second alone (from
 * the difference of the summed histogram buckets) where the merged metrics carry buckets, else the
 * percentiles since the probe began (today's merged view leaves the buckets out).
 *
 * <p>Kept in the controller's memory: a restarted controller starts a new history, and each
 * controller of an ensemble keeps its own (they sample the same ZooKeeper data).
 */
final class ProbeHistory {
  /** Points kept per probe: ten minutes at one a second. */
  static final int CAPACITY = 600;

  /** How long a probe's counts may stand still before a point says "no calls". */
  static final long QUIET_MILLIS = 2_500;

  private final MergedMetrics source;
  private final Map<String, Series> series = new ConcurrentHashMap<>();

  ProbeHistory(MergedMetrics source) {
    this.source = source;
  }

  /** One second of a probe over the whole service; percentiles null when nothing was timed. */
  record Point(
      long time,
      double callsPerSecond,
      double errorsPerSecond,
      long processes,
      Double p50Millis,
      Double p90Millis,
      Double p99Millis) {
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("t", time);
      json.put("calls", callsPerSecond);
      json.put("errors", errorsPerSecond);
      json.put("processes", processes);
      json.put("p50", p50Millis);
      json.put("p90", p90Millis);
      json.put("p99", p99Millis);
      return json;
    }
  }

  /** The last sample of one probe and the points made so far. */
  private static final class Series {
    final ArrayDeque<Point> points = new ArrayDeque<>();
    long lastTime;
    long lastCalls;
    long lastErrors;
    Map<Integer, Long> lastBuckets = Map.of();
    boolean sampled;
  }

  /** Takes one sample of every probe of every service; called once a second. */
  void sample(long now) {
    source
        .byService()
        .forEach(
            (service, merged) -> {
              for (ServiceProbeMetrics probe : merged) {
                Series one =
                    series.computeIfAbsent(key(service, probe.change()), k -> new Series());
                synchronized (one) {
                  add(one, probe, now);
                }
              }
            });
    // A probe gone from every process for longer than the history spans leaves no series behind.
    series.values().removeIf(one -> now - one.lastTime > CAPACITY * 1000L);
  }

  private static void add(Series one, ServiceProbeMetrics probe, long now) {
    long calls = probe.calls();
    long errors =
        probe.exceptions() == null
            ? 0
            : probe.exceptions().values().stream().mapToLong(Long::longValue).sum();
    Map<Integer, Long> buckets = buckets(probe.latency());
    if (one.sampled && calls == one.lastCalls && now - one.lastTime < QUIET_MILLIS) {
      // Agents report once a heartbeat, not in step with this sampler: a second with no new report
      // is not a second with no calls. Wait for the next report rather than draw a false zero.
      return;
    }
    if (one.sampled && calls >= one.lastCalls && now > one.lastTime) {
      double seconds = (now - one.lastTime) / 1000.0;
      Map<Integer, Long> delta = new HashMap<>();
      buckets.forEach(
          (index, count) -> {
            long before = one.lastBuckets.getOrDefault(index, 0L);
            if (count > before) {
              delta.put(index, count - before);
            }
          });
      LatencySnapshot latency = probe.latency();
      // Without buckets (a report that left them out) the percentiles since the probe began stand
      // in: still the right order of magnitude, only slower to move.
      boolean cumulative = latency != null && latency.timedCalls() > 0;
      one.points.addLast(
          new Point(
              now,
              (calls - one.lastCalls) / seconds,
              Math.max(0, errors - one.lastErrors) / seconds,
              probe.processes(),
              percentile(delta, 0.50, cumulative ? latency.p50Millis() : null),
              percentile(delta, 0.90, cumulative ? latency.p90Millis() : null),
              percentile(delta, 0.99, cumulative ? latency.p99Millis() : null)));
      while (one.points.size() > CAPACITY) {
        one.points.removeFirst();
      }
    }
    // A count that went down (a process left, taking its counts with it) starts a new baseline.
    one.sampled = true;
    one.lastTime = now;
    one.lastCalls = calls;
    one.lastErrors = errors;
    one.lastBuckets = buckets;
  }

  /** The points of one probe, oldest first; empty when it was never sampled. */
  List<Map<String, Object>> points(String service, String change) {
    Series one = series.get(key(service, change));
    if (one == null) {
      return List.of();
    }
    synchronized (one) {
      List<Map<String, Object>> json = new ArrayList<>(one.points.size());
      one.points.forEach(point -> json.add(point.toJson()));
      return json;
    }
  }

  private static Map<Integer, Long> buckets(LatencySnapshot latency) {
    return latency == null || latency.buckets() == null ? Map.of() : latency.buckets();
  }

  /** The quantile of the second's own calls; {@code otherwise} when the buckets did not move. */
  private static Double percentile(Map<Integer, Long> delta, double quantile, Double otherwise) {
    return delta.isEmpty()
        ? otherwise
        : Double.valueOf(LatencySnapshot.millis(LatencyBuckets.percentile(delta, quantile)));
  }

  private static String key(String service, String change) {
    return service + "/" + change;
  }
}

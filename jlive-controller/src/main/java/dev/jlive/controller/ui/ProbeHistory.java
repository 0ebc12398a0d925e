package dev.jlive.controller.ui;

import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A short history of every probe's metrics over the whole service, one point a second, for the
 * dashboard's charts. The agents report cumulative counts and histograms; a point is what every
 * process counted since the last point (its report minus its own earlier one, see {@link
 * IntervalMetrics}): calls and errors per second, and p50/p90/p99 of that interval's calls alone
 * from the added-up bucket differences.
 *
 * <p>Kept in the controller's memory (at most {@link #CAPACITY} points per probe): a restarted
 * controller starts a new history, and each controller of an ensemble keeps its own (they sample
 * the same ZooKeeper data).
 */
final class ProbeHistory {
  /** Points kept per probe: ten minutes at one a second. */
  static final int CAPACITY = 600;

  /** How long a probe's counts may stand still before a point says "no calls". */
  static final long QUIET_MILLIS = 2_500;

  private final ReportedMetrics source;
  private final Map<String, Series> series = new ConcurrentHashMap<>();

  ProbeHistory(ReportedMetrics source) {
    this.source = source;
  }

  /** One interval of a probe over the whole service; percentiles null when nothing was timed. */
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

  /** Each process's report at the last point, and the points made so far. */
  private static final class Series {
    final ArrayDeque<Point> points = new ArrayDeque<>();
    long lastTime;
    Map<String, ProbeMetrics> lastReports = Map.of();
    boolean sampled;
  }

  /** Takes one sample of every probe of every service; called once a second. */
  void sample(long now) {
    source
        .byService()
        .forEach(
            (service, reported) -> {
              Map<String, Map<String, ProbeMetrics>> byChange = new HashMap<>();
              reported.forEach(
                  (process, probes) ->
                      probes.forEach(
                          (change, probe) ->
                              byChange
                                  .computeIfAbsent(change, k -> new HashMap<>())
                                  .put(process, probe)));
              byChange.forEach(
                  (change, byProcess) -> {
                    Series one = series.computeIfAbsent(key(service, change), k -> new Series());
                    synchronized (one) {
                      add(one, byProcess, now);
                    }
                  });
            });
    // A probe gone from every process for longer than the history spans leaves no series behind.
    series.values().removeIf(one -> now - one.lastTime > CAPACITY * 1000L);
  }

  private static void add(Series one, Map<String, ProbeMetrics> reports, long now) {
    IntervalMetrics interval = IntervalMetrics.between(one.lastReports, reports);
    if (one.sampled
        && interval.calls() == 0
        && reports.keySet().equals(one.lastReports.keySet())
        && now - one.lastTime < QUIET_MILLIS) {
      // Agents report once a heartbeat, not in step with this sampler: a second with no new report
      // is not a second with no calls. Wait for the next report rather than draw a false zero.
      return;
    }
    if (one.sampled && now > one.lastTime) {
      double seconds = (now - one.lastTime) / 1000.0;
      one.points.addLast(
          new Point(
              now,
              interval.calls() / seconds,
              interval.errors() / seconds,
              interval.processes(),
              interval.percentileMillis(0.50),
              interval.percentileMillis(0.90),
              interval.percentileMillis(0.99)));
      while (one.points.size() > CAPACITY) {
        one.points.removeFirst();
      }
    }
    one.sampled = true;
    one.lastTime = now;
    one.lastReports = reports;
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

  private static String key(String service, String change) {
    return service + "/" + change;
  }
}

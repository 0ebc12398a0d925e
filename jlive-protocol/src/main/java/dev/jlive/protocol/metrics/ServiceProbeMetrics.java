package dev.jlive.protocol.metrics;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One fleet probe's numbers added up over the processes of a service (the controller's {@code
 * "merged"} entries): calls, exceptions by type and call paths summed, latency percentiles read
 * from the summed histogram buckets.
 *
 * @param latency without buckets; null unless a process reported a histogram
 * @param exceptions written with the latency (metrics probes); null otherwise
 * @param callers busiest first; null when no process saw a path
 */
public record ServiceProbeMetrics(
    String change,
    String selector,
    String kind,
    long processes,
    long calls,
    LatencySnapshot latency,
    Map<String, Long> exceptions,
    List<CallerPath> callers)
    implements JsonWritable {

  public static final Set<String> FIELDS =
      Set.of(
          "change", "selector", "kind", "processes", "calls", "latency", "exceptions", "callers");

  public ServiceProbeMetrics {
    exceptions =
        exceptions == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(exceptions));
    callers = callers == null ? null : ProbeMetrics.sorted(callers);
  }

  /**
   * Adds up what each process reported for {@code change}; the selector and kind are the first
   * process's (every process runs the same spec).
   */
  public static ServiceProbeMetrics merge(String change, List<ProbeMetrics> perProcess) {
    long calls = 0;
    List<LatencySnapshot> histograms = new ArrayList<>();
    SortedMap<String, Long> exceptions = new TreeMap<>();
    Map<String, Long> callers = new HashMap<>();
    for (ProbeMetrics process : perProcess) {
      calls += process.calls();
      if (process.latency() != null) {
        histograms.add(process.latency());
      }
      if (process.exceptions() != null) {
        process.exceptions().forEach((type, count) -> exceptions.merge(type, count, Long::sum));
      }
      if (process.callers() != null) {
        process.callers().forEach(path -> callers.merge(path.path(), path.calls(), Long::sum));
      }
    }
    boolean timed = !histograms.isEmpty();
    List<CallerPath> paths = new ArrayList<>();
    callers.forEach((path, count) -> paths.add(new CallerPath(path, count)));
    ProbeMetrics first = perProcess.isEmpty() ? null : perProcess.get(0);
    return new ServiceProbeMetrics(
        change,
        first == null ? null : first.selector(),
        first == null ? null : first.kind(),
        perProcess.size(),
        calls,
        timed ? LatencySnapshot.merge(histograms).withoutBuckets() : null,
        timed ? exceptions : null,
        paths.isEmpty() ? null : paths);
  }

  static ServiceProbeMetrics read(StrictObject body) {
    StrictObject latency =
        body.optionalNested("latency", "the service's latency histogram", LatencySnapshot.FIELDS);
    List<CallerPath> callers = null;
    if (body.has("callers")) {
      callers = new ArrayList<>();
      for (StrictObject path : body.optionalObjects("callers", CallerPath.FIELDS)) {
        callers.add(CallerPath.read(path));
      }
    }
    return new ServiceProbeMetrics(
        body.requireString("change", "\"c1\""),
        body.optionalString("selector"),
        body.optionalString("kind"),
        body.optionalLong("processes", 0, 0, Long.MAX_VALUE),
        body.requireLong("calls", 0, Long.MAX_VALUE),
        latency == null ? null : LatencySnapshot.read(latency),
        ProbeMetrics.counts(body, "exceptions"),
        callers);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("change", change)
        .put("selector", selector)
        .put("kind", kind)
        .put("processes", processes)
        .put("calls", calls)
        .put("latency", latency)
        .put("exceptions", exceptions)
        .put("callers", callers)
        .toMap();
  }
}

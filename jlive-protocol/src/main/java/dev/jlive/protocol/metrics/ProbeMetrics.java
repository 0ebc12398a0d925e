package dev.jlive.protocol.metrics;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one probe counted in one JVM: an entry of the agent's {@code GET /v1/metrics}, and what an
 * agent reports to the controller per fleet probe.
 *
 * @param kind the probe's kind as the probe spec writes it ({@code "metrics"}, {@code "callers"},
 *     ...)
 * @param latency a metrics probe's histogram; null for other kinds
 * @param exceptions a metrics probe's exceptions thrown out of the method, by class name (kept
 *     sorted); null for other kinds
 * @param callers a callers probe's paths, busiest first; null for other kinds
 * @param parts a trace's callees or a line profile's lines, in the method's order; null for other
 *     kinds
 */
public record ProbeMetrics(
    String id,
    String selector,
    String kind,
    long calls,
    LatencySnapshot latency,
    Map<String, Long> exceptions,
    List<CallerPath> callers,
    List<TimedPart> parts)
    implements JsonWritable {

  public static final Set<String> FIELDS =
      Set.of("id", "selector", "kind", "calls", "latency", "exceptions", "callers", "parts");
  static final String WHAT = "the probe's metrics";

  public ProbeMetrics {
    exceptions =
        exceptions == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(exceptions));
    callers = callers == null ? null : sorted(callers);
    parts = parts == null ? null : List.copyOf(parts);
  }

  /** Metrics of a kind that has no parts (all but trace and line profile). */
  public ProbeMetrics(
      String id,
      String selector,
      String kind,
      long calls,
      LatencySnapshot latency,
      Map<String, Long> exceptions,
      List<CallerPath> callers) {
    this(id, selector, kind, calls, latency, exceptions, callers, null);
  }

  public static ProbeMetrics fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS));
  }

  /**
   * Reads the fields of this record from {@code body}, which may declare more (a row that adds its
   * own).
   */
  static ProbeMetrics read(StrictObject body) {
    StrictObject latency =
        body.optionalNested("latency", "the probe's latency histogram", LatencySnapshot.FIELDS);
    List<CallerPath> callers = null;
    if (body.has("callers")) {
      callers = new ArrayList<>();
      for (StrictObject path : body.optionalObjects("callers", CallerPath.FIELDS)) {
        callers.add(CallerPath.read(path));
      }
    }
    List<TimedPart> parts = null;
    if (body.has("parts")) {
      parts = new ArrayList<>();
      for (StrictObject part : body.optionalObjects("parts", TimedPart.FIELDS)) {
        parts.add(TimedPart.read(part));
      }
    }
    return new ProbeMetrics(
        body.requireString("id", "\"p1\""),
        body.requireString("selector", "\"com.acme.Shop#checkout\""),
        body.requireString("kind", "\"metrics\""),
        body.requireLong("calls", 0, Long.MAX_VALUE),
        latency == null ? null : LatencySnapshot.read(latency),
        counts(body, "exceptions"),
        callers,
        parts);
  }

  /**
   * The same metrics with the histogram's numbers only, as the controller's per-process rows show
   * them.
   */
  public ProbeMetrics withoutBuckets() {
    return new ProbeMetrics(
        id,
        selector,
        kind,
        calls,
        latency == null ? null : latency.withoutBuckets(),
        exceptions,
        callers,
        parts);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("selector", selector)
        .put("kind", kind)
        .put("calls", calls)
        .put("latency", latency)
        .put("exceptions", exceptions)
        .put("callers", callers)
        .put("parts", parts)
        .toMap();
  }

  /** An object of whole numbers, such as exceptions by type; null when absent. */
  static Map<String, Long> counts(StrictObject body, String name) {
    Map<String, Object> json = body.optionalObject(name);
    if (json == null) {
      return null;
    }
    SortedMap<String, Long> counts = new TreeMap<>();
    StrictObject entries =
        new StrictObject(json, body.what() + ": " + name, new HashSet<>(json.keySet()));
    for (String key : json.keySet()) {
      counts.put(key, entries.requireLong(key, 0, Long.MAX_VALUE));
    }
    return counts;
  }

  static List<CallerPath> sorted(List<CallerPath> callers) {
    List<CallerPath> sorted = new ArrayList<>(callers);
    sorted.sort(CallerPath.BUSIEST_FIRST);
    return List.copyOf(sorted);
  }
}

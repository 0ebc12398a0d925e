package dev.jlive.protocol.metrics;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One process's numbers for one fleet probe, as {@code metrics --service --per-process} shows them:
 * where (process, host, pid), which change, then the probe's own metrics on the same level.
 *
 * @param host null when the process did not say
 * @param pid null when the process did not say
 */
public record ProcessProbeMetrics(
    String process, String host, Long pid, String change, ProbeMetrics metrics)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      union(Set.of("process", "host", "pid", "change"), ProbeMetrics.FIELDS);

  static ProcessProbeMetrics read(StrictObject body) {
    Long pid = body.has("pid") ? body.optionalLong("pid", 0, 0, Long.MAX_VALUE) : null;
    return new ProcessProbeMetrics(
        body.requireString("process", "\"a1b2\""),
        body.optionalString("host"),
        pid,
        body.requireString("change", "\"c1\""),
        ProbeMetrics.read(body));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("process", process)
        .put("host", host)
        .put("pid", pid)
        .put("change", change)
        .putAll(metrics.toJson())
        .toMap();
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}

package dev.jlive.protocol.metrics;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The agent's answer to {@code GET /v1/metrics}: every probe's numbers, or one probe's. */
public record MetricsAnswer(List<ProbeMetrics> probes) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("probes");

  public MetricsAnswer {
    probes = List.copyOf(probes);
  }

  public static MetricsAnswer fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the metrics answer", FIELDS);
    List<ProbeMetrics> probes = new ArrayList<>();
    for (StrictObject probe : body.optionalObjects("probes", ProbeMetrics.FIELDS)) {
      probes.add(ProbeMetrics.read(probe));
    }
    return new MetricsAnswer(probes);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("probes", probes).toMap();
  }
}

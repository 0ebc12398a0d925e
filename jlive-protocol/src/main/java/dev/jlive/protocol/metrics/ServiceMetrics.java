package dev.jlive.protocol.metrics;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The controller's answer to a service's metrics: each fleet probe merged over processes, and each
 * process's own row.
 */
public record ServiceMetrics(
    String service, List<ServiceProbeMetrics> merged, List<ProcessProbeMetrics> processes)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("service", "merged", "processes");

  public ServiceMetrics {
    merged = List.copyOf(merged);
    processes = List.copyOf(processes);
  }

  public static ServiceMetrics fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the service's metrics", FIELDS);
    List<ServiceProbeMetrics> merged = new ArrayList<>();
    for (StrictObject entry : body.optionalObjects("merged", ServiceProbeMetrics.FIELDS)) {
      merged.add(ServiceProbeMetrics.read(entry));
    }
    List<ProcessProbeMetrics> processes = new ArrayList<>();
    for (StrictObject row : body.optionalObjects("processes", ProcessProbeMetrics.FIELDS)) {
      processes.add(ProcessProbeMetrics.read(row));
    }
    return new ServiceMetrics(body.requireString("service", "\"pricing\""), merged, processes);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("service", service)
        .put("merged", merged)
        .put("processes", processes)
        .toMap();
  }
}

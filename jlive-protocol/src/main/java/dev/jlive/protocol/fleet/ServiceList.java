package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /v1/services}: {@code {"services": [...]}}. */
public record ServiceList(List<ServiceSummary> services) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("services");

  public ServiceList {
    services = List.copyOf(services);
  }

  public static ServiceList fromWire(Object json) {
    return new ServiceList(
        Wire.objects(
            StrictObject.tolerant(json, "the service list", FIELDS),
            "services",
            ServiceSummary.FIELDS,
            ServiceSummary::read));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("services", services).toMap();
  }
}

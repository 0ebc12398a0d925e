package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/** A service as {@code GET /v1/services} lists it: its live processes and active changes. */
public record ServiceSummary(String name, int processes, int activeChanges)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("name", "processes", "activeChanges");

  public ServiceSummary {
    Labels.service(name);
  }

  static ServiceSummary read(StrictObject body) {
    return new ServiceSummary(
        body.requireString("name", "\"checkout\""),
        Wire.intValue(body.optionalLong("processes", 0, 0, Long.MAX_VALUE)),
        Wire.intValue(body.optionalLong("activeChanges", 0, 0, Long.MAX_VALUE)));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("name", name)
        .put("processes", processes)
        .put("activeChanges", activeChanges)
        .toMap();
  }
}

package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /v1/services/{s}/processes}: the live processes of a service, by id. */
public record ProcessList(String service, List<ProcessRow> processes) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("service", "processes");

  public ProcessList {
    processes = List.copyOf(processes);
  }

  public static ProcessList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the process list", FIELDS);
    return new ProcessList(
        body.optionalString("service"),
        Wire.objects(body, "processes", ProcessRow.FIELDS, ProcessRow::read));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("service", service).put("processes", processes).toMap();
  }
}

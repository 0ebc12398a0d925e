package dev.jlive.protocol.change;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/services/{s}/changes/{id}}: the change (without its spec) and where it stands on
 * each process.
 */
public record ChangeStatus(Change change, List<ProcessResult> results) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("change", "results");

  public ChangeStatus {
    results = List.copyOf(results);
  }

  public static ChangeStatus fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the change status", FIELDS);
    List<ProcessResult> results = new ArrayList<>();
    body.optionalObjects("results", ProcessResult.FIELDS)
        .forEach(row -> results.add(ProcessResult.read(row)));
    return new ChangeStatus(
        Change.read(body.requireNested("change", "the change", Change.FIELDS)), results);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("change", change).put("results", results).toMap();
  }
}

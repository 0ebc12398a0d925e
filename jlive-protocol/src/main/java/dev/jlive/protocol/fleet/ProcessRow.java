package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A process as {@code GET /v1/services/{s}/processes} lists it: the registration, the state of each
 * change it reported, and when it last reported and synced (ISO-8601, absent when unknown).
 */
public record ProcessRow(
    ProcessInfo process, Map<String, ChangeReport> changes, String reportedAt, String lastSeen)
    implements JsonWritable {
  public static final Set<String> FIELDS = fields();

  public ProcessRow {
    changes = Wire.copy(changes);
  }

  private static Set<String> fields() {
    Set<String> fields = new HashSet<>(ProcessInfo.FIELDS);
    fields.addAll(Set.of("changes", "reportedAt", "lastSeen"));
    return Set.copyOf(fields);
  }

  public static ProcessRow fromWire(Object json) {
    return read(StrictObject.tolerant(json, ProcessInfo.WHAT, FIELDS));
  }

  static ProcessRow read(StrictObject body) {
    return new ProcessRow(
        ProcessInfo.read(body),
        Wire.objectsById(
            body,
            "changes",
            "a change report of the process",
            ChangeReport.FIELDS,
            ChangeReport::read),
        body.optionalString("reportedAt"),
        body.optionalString("lastSeen"));
  }

  @Override
  public Map<String, Object> toJson() {
    return process
        .write(JsonObject.create())
        .put("changes", changes)
        .put("reportedAt", reportedAt)
        .put("lastSeen", lastSeen)
        .toMap();
  }
}

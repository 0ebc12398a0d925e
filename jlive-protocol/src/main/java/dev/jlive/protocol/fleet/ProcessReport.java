package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * A process's last report as the controller keeps it: the state of each change and its probes'
 * metrics and its shadows' reports (passed through from the sync, see {@link SyncBody}), and when
 * it came (ISO-8601).
 */
public record ProcessReport(
    Map<String, ChangeReport> changes,
    Map<String, Object> metrics,
    String at,
    Map<String, Object> shadows)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("changes", "metrics", "at", "shadows");

  public ProcessReport {
    changes = Wire.copy(changes);
    metrics = Wire.copy(metrics);
    shadows = Wire.copy(shadows);
  }

  /** A report without shadows. */
  public ProcessReport(Map<String, ChangeReport> changes, Map<String, Object> metrics, String at) {
    this(changes, metrics, at, Map.of());
  }

  /** The report a sync carries, stamped when it came. */
  public static ProcessReport of(SyncBody sync, String at) {
    return new ProcessReport(sync.changes(), sync.metrics(), at, sync.shadows());
  }

  public static ProcessReport fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the process report", FIELDS);
    return new ProcessReport(
        Wire.objectsById(
            body,
            "changes",
            "a change report of the process",
            ChangeReport.FIELDS,
            ChangeReport::read),
        Wire.rawObject(body, "metrics"),
        body.optionalString("at"),
        Wire.rawObject(body, "shadows"));
  }

  /** The same report at another time: two reports that differ only in {@code at} say the same. */
  public ProcessReport at(String when) {
    return new ProcessReport(changes, metrics, when, shadows);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("changes", changes)
        .put("metrics", metrics)
        .put("at", at)
        .putIf(!shadows.isEmpty(), "shadows", shadows)
        .toMap();
  }
}

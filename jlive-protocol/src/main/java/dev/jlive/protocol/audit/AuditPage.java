package dev.jlive.protocol.audit;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/audit?after=&limit=&service=&since=}: the matching records after a sequence
 * number, oldest first, and where to go on from.
 *
 * <p>The records travel exactly as stored, fields of a newer controller included, because their
 * hashes cover what is stored: an export of these pages verifies on its own ({@code jlive audit
 * verify --file}).
 *
 * @param records each record as stored
 * @param next the {@code after} of the next page; null when this page reached the head
 */
public record AuditPage(List<Map<String, Object>> records, Long next) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("records", "next");

  public AuditPage {
    records = List.copyOf(records);
  }

  public static AuditPage fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the audit page", FIELDS);
    // Each is read once to check it is a record; kept as it came.
    body.optionalObjects("records", AuditRecord.FIELDS).forEach(AuditRecord::read);
    List<Map<String, Object>> records = new ArrayList<>();
    if (((Map<?, ?>) json).get("records") instanceof List<?> raw) {
      for (Object record : raw) {
        records.add(JsonObject.copyOf(asObject(record)));
      }
    }
    return new AuditPage(
        records, body.has("next") ? body.optionalLong("next", 0, 0, Long.MAX_VALUE) : null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object record) {
    return (Map<String, Object>) record;
  }

  /** The records read as this version knows them. */
  public List<AuditRecord> read() {
    return records.stream().map(AuditRecord::fromWire).toList();
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("records", records).put("next", next).toMap();
  }
}

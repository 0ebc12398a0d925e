package dev.jlive.protocol.audit;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/audit/verify}: whether the chain holds.
 *
 * @param checked how many records were checked and found good, from the first on
 * @param lastSequence the last good record
 * @param lastHash its hash: what to compare with a copy kept elsewhere
 * @param badSequence the first bad or missing record; null when the chain holds
 * @param problem what is wrong with it; null when the chain holds
 */
public record AuditVerdict(
    boolean ok, long checked, long lastSequence, String lastHash, Long badSequence, String problem)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("ok", "checked", "lastSequence", "lastHash", "badSequence", "problem");

  public static AuditVerdict fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the audit verdict", FIELDS);
    return new AuditVerdict(
        body.optionalBoolean("ok", false),
        body.optionalLong("checked", 0, 0, Long.MAX_VALUE),
        body.optionalLong("lastSequence", 0, 0, Long.MAX_VALUE),
        body.optionalString("lastHash"),
        body.has("badSequence") ? body.optionalLong("badSequence", 0, 0, Long.MAX_VALUE) : null,
        body.optionalString("problem"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("ok", ok)
        .put("checked", checked)
        .put("lastSequence", lastSequence)
        .put("lastHash", lastHash)
        .put("badSequence", badSequence)
        .put("problem", problem)
        .toMap();
  }
}

package dev.jlive.protocol.audit;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/audit/head}: the last record's number and hash, to be kept somewhere the store's
 * writers cannot reach (a ticket, another system's log), so that a rewritten tail shows.
 */
public record AuditHead(long sequence, String hash) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("seq", "hash");

  public static AuditHead fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the audit head", FIELDS);
    return new AuditHead(
        body.requireLong("seq", 0, Long.MAX_VALUE),
        body.requireString("hash", "\"" + AuditChain.GENESIS + "\""));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("seq", sequence).put("hash", hash).toMap();
  }
}

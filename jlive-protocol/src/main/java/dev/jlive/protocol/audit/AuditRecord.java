package dev.jlive.protocol.audit;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.WireInstant;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One entry of the controller's audit log: who (the authenticated user and their role), from where
 * (the client's address), when, what (operation, service, change), and the result. Each entry holds
 * the hash of the one before it ({@code previous}) and its own ({@code hash}, see {@link
 * AuditChain#hash}), so that editing or deleting one is detectable.
 *
 * @param sequence 1 for the first record, then one more for each ({@code "seq"})
 * @param result {@code started} (written before a change is made), {@code ok}, {@code failed} or
 *     {@code refused} (401 or 403)
 * @param status the HTTP status answered; null for {@code started}
 * @param code the error code answered; null unless failed or refused
 * @param detail a short note: why it was refused, how many snapshots were read
 */
public record AuditRecord(
    long sequence,
    Instant time,
    String user,
    String role,
    String from,
    String operation,
    String service,
    String change,
    String result,
    Integer status,
    String code,
    String detail,
    String previous,
    String hash)
    implements JsonWritable {

  public static final Set<String> FIELDS =
      Set.of(
          "seq",
          "time",
          "user",
          "role",
          "from",
          "operation",
          "service",
          "change",
          "result",
          "status",
          "code",
          "detail",
          "previous",
          "hash");

  public static AuditRecord fromWire(Object json) {
    return read(StrictObject.tolerant(json, "the audit record", FIELDS));
  }

  static AuditRecord read(StrictObject body) {
    return new AuditRecord(
        body.requireLong("seq", 1, Long.MAX_VALUE),
        WireInstant.require(body, "time"),
        body.optionalString("user"),
        body.optionalString("role"),
        body.optionalString("from"),
        body.requireString("operation", "\"add change\""),
        body.optionalString("service"),
        body.optionalString("change"),
        body.requireString("result", "\"ok\""),
        body.has("status") ? (int) body.optionalLong("status", 0, 100, 599) : null,
        body.optionalString("code"),
        body.optionalString("detail"),
        body.requireString("previous", "\"" + AuditChain.GENESIS + "\""),
        body.optionalString("hash"));
  }

  /** This record with its hash: the hash over every other field (see {@link AuditChain#hash}). */
  public AuditRecord sealed() {
    AuditRecord unsealed = withHash(null);
    return unsealed.withHash(AuditChain.hash(unsealed.toJson()));
  }

  private AuditRecord withHash(String newHash) {
    return new AuditRecord(
        sequence, time, user, role, from, operation, service, change, result, status, code, detail,
        previous, newHash);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("seq", sequence)
        .put("time", time.toString())
        .put("user", user)
        .put("role", role)
        .put("from", from)
        .put("operation", operation)
        .put("service", service)
        .put("change", change)
        .put("result", result)
        .put("status", status)
        .put("code", code)
        .put("detail", detail)
        .put("previous", previous)
        .put("hash", hash)
        .toMap();
  }
}

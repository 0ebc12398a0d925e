package dev.jlive.controller.audit;

import dev.jlive.protocol.audit.AuditRecord;
import java.time.Instant;

/**
 * What happened, before it has a place in the log: {@link AuditLog#append} gives it its number and
 * the previous record's hash. Fields as in {@link AuditRecord}.
 */
public record AuditEntry(
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
    String detail) {

  private static final int MAX_TEXT = 200;

  public AuditEntry {
    // Names and messages come from clients: an entry stays small whatever they send.
    user = cut(user);
    role = cut(role);
    from = cut(from);
    operation = cut(operation);
    service = cut(service);
    change = cut(change);
    code = cut(code);
    detail = cut(detail);
  }

  AuditRecord at(long sequence, String previous) {
    return new AuditRecord(
            sequence, time, user, role, from, operation, service, change, result, status, code,
            detail, previous, null)
        .sealed();
  }

  private static String cut(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
  }
}

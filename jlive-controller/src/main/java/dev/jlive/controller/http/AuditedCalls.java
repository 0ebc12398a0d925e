package dev.jlive.controller.http;

import dev.jlive.controller.audit.AuditEntry;
import dev.jlive.controller.audit.AuditLog;
import dev.jlive.controller.audit.AuditTrail;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.audit.AuditPage;
import dev.jlive.protocol.event.ServiceEvent;
import dev.jlive.protocol.event.ServiceEvents;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeSet;

/**
 * The routes' side of the audit log: turns calls into {@link AuditEntry}s and writes them when
 * {@link AuditTrail} says. A route that changes something runs through {@link #change}, so a new
 * one is audited by that one call.
 */
final class AuditedCalls {
  private final AuditTrail trail;

  AuditedCalls(AuditTrail trail) {
    this.trail = trail;
  }

  /** What a route that changes something does, and what it answers. */
  interface Action {
    Outcome run();
  }

  /** A changing route's answer, and the change it made or touched. */
  record Outcome(int status, Map<String, Object> body, String change) {}

  AuditLog log() {
    return trail.log();
  }

  /**
   * Runs a route that changes something: recorded before (when that fails, it does not run) and
   * after, with its outcome.
   */
  void change(
      ControllerServer.Call call,
      String operation,
      String service,
      String change,
      ControllerServer.Reply reply,
      Action action) {
    trail.recordNow(entry(call, operation, service, change, "started", null, null, null));
    Outcome outcome;
    try {
      outcome = action.run();
    } catch (JLiveException e) {
      trail.recordAfter(
          entry(
              call,
              operation,
              service,
              change,
              "failed",
              e.code().httpStatus(),
              e.code().name(),
              e.getMessage()));
      throw e;
    } catch (RuntimeException e) {
      trail.recordAfter(
          entry(call, operation, service, change, "failed", 500, "INTERNAL_ERROR", e.toString()));
      throw e;
    }
    trail.recordAfter(
        entry(call, operation, service, outcome.change(), "ok", outcome.status(), null, null));
    reply.send(outcome.status(), outcome.body());
  }

  /**
   * Snapshots of capture probes can hold personal data: whoever reads them is recorded before they
   * are sent, and they are not sent when that cannot be recorded. Log lines are not recorded.
   */
  void snapshotsRead(ControllerServer.Call call, String service, ServiceEvents events) {
    TreeSet<String> captures = new TreeSet<>();
    long snapshots = 0;
    for (ServiceEvent event : events.events()) {
      if (event.event().event().data() != null) {
        captures.add(event.event().change());
        snapshots++;
      }
    }
    if (snapshots > 0) {
      trail.recordNow(
          entry(
              call,
              "read snapshots",
              service,
              String.join(",", captures),
              "ok",
              200,
              null,
              snapshots + " snapshot" + (snapshots == 1 ? "" : "s")));
    }
  }

  /** A request refused for its credentials or rights: best effort, never blocks. */
  void refused(
      String method, String path, ControllerServer.Call call, String from, JLiveException why) {
    String[] s = path.replaceAll("^/+|/+$", "").split("/");
    String service =
        s.length >= 3 && ("/" + s[0] + "/" + s[1]).equals(FleetApi.SERVICES) ? s[2] : null;
    trail.refused(
        new AuditEntry(
            Instant.now(),
            call == null ? null : call.user(),
            call == null ? null : call.role(),
            from,
            method + " " + path,
            service,
            null,
            "refused",
            why.code().httpStatus(),
            why.code().name(),
            why.getMessage()));
  }

  /** {@code GET /v1/audit?after=&limit=&service=&since=}. */
  AuditPage page(ControllerServer.Call call) {
    return trail
        .log()
        .page(
            ControllerRoutes.parseLong(call.query("after"), 0),
            (int) Math.max(1, Math.min(1000, ControllerRoutes.parseLong(call.query("limit"), 500))),
            call.query("service"),
            instant(call.query("since")));
  }

  /** The kind a change request names, as the audit log shows it; "change" when it names none. */
  static String kindOf(Map<String, Object> body) {
    return body.get("kind") instanceof String kind && FleetApi.isValidName(kind) ? kind : "change";
  }

  private static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "'" + text + "' is not an ISO-8601 instant",
          "send e.g. since=2026-01-31T12:00:00Z");
    }
  }

  private static AuditEntry entry(
      ControllerServer.Call call,
      String operation,
      String service,
      String change,
      String result,
      Integer status,
      String code,
      String detail) {
    return new AuditEntry(
        Instant.now(),
        call.user(),
        call.role(),
        call.from(),
        operation,
        service,
        change,
        result,
        status,
        code,
        detail);
  }
}

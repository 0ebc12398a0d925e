package dev.jlive.controller.http;

import dev.jlive.controller.audit.AuditEntry;
import dev.jlive.controller.audit.AuditTrail;
import dev.jlive.controller.fleet.AgentSessions;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceOutput;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeList;
import dev.jlive.protocol.event.ServiceEvent;
import dev.jlive.protocol.event.ServiceEvents;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.Health;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.ServiceList;
import dev.jlive.protocol.fleet.SyncBody;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which call runs what: the agent protocol and the user API of {@link FleetApi}, matched on the
 * same paths the clients build, so that a path changed there is changed here.
 */
public final class ControllerRoutes implements ControllerServer.Router {
  private final FleetStore store;
  private final AgentSessions agents;
  private final ServiceChanges changes;
  private final ServiceOutput output;
  private final AuditTrail audit;

  public ControllerRoutes(
      FleetStore store,
      AgentSessions agents,
      ServiceChanges changes,
      ServiceOutput output,
      AuditTrail audit) {
    this.store = store;
    this.agents = agents;
    this.changes = changes;
    this.output = output;
    this.audit = audit;
  }

  /** What a route that changes something does, and what it answers. */
  private interface Action {
    Outcome run();
  }

  /** A changing route's answer, and the change it made or touched. */
  private record Outcome(int status, Map<String, Object> body, String change) {}

  /**
   * Runs a route that changes something, recorded in the audit log before (or it does not run) and
   * after (see {@link AuditTrail}). Every route that changes something goes through here.
   */
  private void audited(
      ControllerServer.Call call,
      String operation,
      String service,
      String change,
      ControllerServer.Reply reply,
      Action action) {
    audit.recordNow(entry(call, operation, service, change, "started", null, null, null));
    Outcome outcome;
    try {
      outcome = action.run();
    } catch (JLiveException e) {
      audit.recordAfter(
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
      audit.recordAfter(
          entry(call, operation, service, change, "failed", 500, "INTERNAL_ERROR", e.toString()));
      throw e;
    }
    audit.recordAfter(
        entry(call, operation, service, outcome.change(), "ok", outcome.status(), null, null));
    reply.send(outcome.status(), outcome.body());
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

  @Override
  public void refused(
      String method, String path, ControllerServer.Call call, String from, JLiveException why) {
    String[] s = path.replaceAll("^/+|/+$", "").split("/");
    String service =
        s.length >= 3 && ("/" + s[0] + "/" + s[1]).equals(FleetApi.SERVICES) ? s[2] : null;
    audit.refused(
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

  @Override
  public void route(ControllerServer.Call call, ControllerServer.Reply reply) {
    String[] s = call.segments();
    String path = "/" + String.join("/", s);
    String method = call.method();
    long now = System.currentTimeMillis();
    switch (method + " " + path) {
      case "POST " + FleetApi.REGISTER ->
          reply.send(200, agents.register(RegisterBody.fromWire(call.body()), now).toJson());
      case "POST " + FleetApi.SYNC ->
          agents.sync(
              SyncBody.fromWire(call.body()),
              answer -> reply.send(answer.containsKey("error") ? 503 : 200, answer));
      case "POST " + FleetApi.DEREGISTER ->
          reply.send(200, agents.deregister(DeregisterBody.fromWire(call.body())).toJson());
      case "GET " + FleetApi.HEALTH ->
          reply.send(
              200,
              new Health(
                      Version.current(),
                      FleetApi.PROTOCOL_VERSION,
                      store.connectionState(),
                      store.connectString(),
                      agents.connected(),
                      agents.parkedPolls())
                  .toJson());
      case "GET " + FleetApi.SERVICES ->
          reply.send(200, new ServiceList(changes.services()).toJson());
      case "GET " + FleetApi.AUDIT ->
          reply.send(
              200,
              audit
                  .log()
                  .page(
                      parseLong(call.query("after"), 0),
                      (int) Math.max(1, Math.min(1000, parseLong(call.query("limit"), 500))),
                      call.query("service"),
                      parseInstant(call.query("since")))
                  .toJson());
      case "GET " + FleetApi.AUDIT_VERIFY -> reply.send(200, audit.log().verify().toJson());
      case "GET " + FleetApi.AUDIT_HEAD -> reply.send(200, audit.log().currentHead().toJson());
      default -> routeService(call, path, reply, now);
    }
  }

  /** The calls on one service: {@code /v1/services/{service}/...}. */
  private void routeService(
      ControllerServer.Call call, String path, ControllerServer.Reply reply, long now) {
    String[] s = call.segments();
    if (s.length < 4 || s.length > 5 || !path.startsWith(FleetApi.SERVICES + "/")) {
      throw unknown(call);
    }
    String service = s[2];
    String id = s.length == 5 ? s[4] : null;
    String method = call.method();
    if (path.equals(FleetApi.processes(service)) && method.equals("GET")) {
      reply.send(200, new ProcessList(service, changes.processes(service)).toJson());
    } else if (path.equals(FleetApi.changes(service)) && method.equals("GET")) {
      reply.send(200, new ChangeList(service, changes.history(service)).toJson());
    } else if (path.equals(FleetApi.changes(service)) && method.equals("POST")) {
      audited(
          call,
          "add " + kindOf(call.body()),
          service,
          null,
          reply,
          () -> {
            FleetStore.Added added = changes.add(service, call.body(), call.user(), now);
            return new Outcome(
                added.created() ? 201 : 200,
                new ChangeAnswer(added.change().summary(), added.created()).toJson(),
                added.change().id());
          });
    } else if (id != null && path.equals(FleetApi.change(service, id)) && method.equals("GET")) {
      reply.send(200, changes.status(service, id).toJson());
    } else if (id != null && path.equals(FleetApi.change(service, id)) && method.equals("DELETE")) {
      audited(
          call,
          "revert",
          service,
          id,
          reply,
          () ->
              new Outcome(
                  200,
                  new ChangeAnswer(changes.revert(service, id, call.user(), now).summary(), null)
                      .toJson(),
                  id));
    } else if (path.equals(FleetApi.metrics(service)) && method.equals("GET")) {
      reply.send(200, output.metrics(service, call.query("change")).toJson());
    } else if (path.equals(FleetApi.events(service)) && method.equals("GET")) {
      ServiceEvents events =
          output.events(
              service,
              call.query("change"),
              parseLong(call.query("after"), 0),
              (int) Math.min(1000, parseLong(call.query("limit"), 200)));
      recordSnapshotReads(call, service, events);
      reply.send(200, events.toJson());
    } else {
      throw unknown(call);
    }
  }

  /**
   * Snapshots of capture probes can hold personal data: whoever reads them is recorded before they
   * are sent, and they are not sent when that cannot be recorded. Log lines are not recorded.
   */
  private void recordSnapshotReads(
      ControllerServer.Call call, String service, ServiceEvents events) {
    TreeSet<String> captures = new TreeSet<>();
    long snapshots = 0;
    for (ServiceEvent event : events.events()) {
      if (event.event().event().data() != null) {
        captures.add(event.event().change());
        snapshots++;
      }
    }
    if (snapshots > 0) {
      audit.recordNow(
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

  /** The kind a change request names, as the audit log shows it; "change" when it names none. */
  private static String kindOf(Map<String, Object> body) {
    return body.get("kind") instanceof String kind && FleetApi.isValidName(kind) ? kind : "change";
  }

  private static Instant parseInstant(String text) {
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

  private static long parseLong(String text, long fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "'" + text + "' is not a number", "");
    }
  }

  private static JLiveException unknown(ControllerServer.Call call) {
    return new JLiveException(
        ErrorCode.UNKNOWN_ENDPOINT,
        "no " + call.method() + " /" + String.join("/", call.segments()),
        "see dev.jlive.protocol.FleetApi for the controller's API");
  }
}

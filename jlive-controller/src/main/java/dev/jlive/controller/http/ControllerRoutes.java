package dev.jlive.controller.http;

import dev.jlive.controller.audit.AuditTrail;
import dev.jlive.controller.fleet.AgentSessions;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceOutput;
import dev.jlive.controller.fleet.SignOff;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.controller.store.PolicyStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeList;
import dev.jlive.protocol.event.ServiceEvents;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.Health;
import dev.jlive.protocol.fleet.Labels;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.ServiceList;
import dev.jlive.protocol.fleet.SyncBody;
import dev.jlive.protocol.governance.Policy;
import java.util.Set;

/**
 * Which call runs what: the agent protocol and the user API of {@link FleetApi}, matched on the
 * same paths the clients build, so that a path changed there is changed here.
 */
public final class ControllerRoutes implements ControllerServer.Router {
  private final FleetStore store;
  private final AgentSessions agents;
  private final ServiceChanges changes;
  private final ServiceOutput output;
  private final AuditedCalls audit;
  private final PolicyStore policies;
  private final SignOff signOff;

  public ControllerRoutes(
      FleetStore store,
      AgentSessions agents,
      ServiceChanges changes,
      ServiceOutput output,
      PolicyStore policies,
      SignOff signOff,
      AuditTrail audit) {
    this.store = store;
    this.agents = agents;
    this.changes = changes;
    this.output = output;
    this.policies = policies;
    this.signOff = signOff;
    this.audit = new AuditedCalls(audit);
  }

  @Override
  public void refused(
      String method, String path, ControllerServer.Call call, String from, JLiveException why) {
    audit.refused(method, path, call, from, why);
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
      case "GET " + FleetApi.AUDIT -> reply.send(200, audit.page(call).toJson());
      case "GET " + FleetApi.AUDIT_VERIFY -> reply.send(200, audit.log().verify().toJson());
      case "GET " + FleetApi.AUDIT_HEAD -> reply.send(200, audit.log().currentHead().toJson());
      case "GET " + FleetApi.POLICIES -> reply.send(200, policies.defaults().toJson());
      case "PUT " + FleetApi.POLICIES ->
          audit.change(
              call,
              "set default policy",
              null,
              null,
              reply,
              () ->
                  new AuditedCalls.Outcome(
                      200, policies.set(null, Policy.fromJson(call.body())).toJson(), null));
      case "GET " + FleetApi.APPROVALS ->
          reply.send(200, signOff.waiting(call.query("service")).toJson());
      default -> {
        if (s.length == 3 && path.equals(FleetApi.policy(s[2]))) {
          routePolicy(call, s[2], reply);
        } else {
          routeService(call, path, reply, now);
        }
      }
    }
  }

  /** {@code /v1/policies/{service}}: a service's policy may be set before any process joins it. */
  private void routePolicy(
      ControllerServer.Call call, String service, ControllerServer.Reply reply) {
    Labels.service(service);
    switch (call.method()) {
      case "GET" -> reply.send(200, policies.effective(service).toJson());
      case "PUT" ->
          audit.change(
              call,
              "set policy",
              service,
              null,
              reply,
              () ->
                  new AuditedCalls.Outcome(
                      200, policies.set(service, Policy.fromJson(call.body())).toJson(), null));
      default -> throw unknown(call);
    }
  }

  /** The body of approve and reject: {@code {"comment": "..."}}. */
  private static String comment(ControllerServer.Call call) {
    return new StrictObject(call.body(), "the approval", Set.of("comment"))
        .rejectUnknown()
        .optionalString("comment");
  }

  /** The calls on one service: {@code /v1/services/{service}/...}. */
  private void routeService(
      ControllerServer.Call call, String path, ControllerServer.Reply reply, long now) {
    String[] s = call.segments();
    if (s.length < 4 || s.length > 6 || !path.startsWith(FleetApi.SERVICES + "/")) {
      throw unknown(call);
    }
    String service = s[2];
    String id = s.length >= 5 ? s[4] : null;
    String method = call.method();
    if (path.equals(FleetApi.processes(service)) && method.equals("GET")) {
      reply.send(200, new ProcessList(service, changes.processes(service)).toJson());
    } else if (path.equals(FleetApi.changes(service)) && method.equals("GET")) {
      reply.send(200, new ChangeList(service, changes.history(service)).toJson());
    } else if (path.equals(FleetApi.changes(service)) && method.equals("POST")) {
      audit.change(
          call,
          "add " + AuditedCalls.kindOf(call.body()),
          service,
          null,
          reply,
          () -> {
            FleetStore.Added added = changes.add(service, call.body(), call.user(), now);
            return new AuditedCalls.Outcome(
                added.created() ? 201 : 200,
                new ChangeAnswer(added.change().summary(), added.created()).toJson(),
                added.change().id());
          });
    } else if (id != null && path.equals(FleetApi.change(service, id)) && method.equals("GET")) {
      reply.send(200, changes.status(service, id).toJson());
    } else if (id != null && path.equals(FleetApi.change(service, id)) && method.equals("DELETE")) {
      audit.change(
          call,
          "revert",
          service,
          id,
          reply,
          () ->
              new AuditedCalls.Outcome(
                  200,
                  new ChangeAnswer(changes.revert(service, id, call.user(), now).summary(), null)
                      .toJson(),
                  id));
    } else if (id != null && path.equals(FleetApi.approve(service, id)) && method.equals("POST")) {
      audit.change(
          call,
          "approve",
          service,
          id,
          reply,
          () ->
              new AuditedCalls.Outcome(
                  200,
                  new ChangeAnswer(
                          signOff.approve(service, id, call.user(), comment(call), now).summary(),
                          null)
                      .toJson(),
                  id));
    } else if (id != null && path.equals(FleetApi.reject(service, id)) && method.equals("POST")) {
      audit.change(
          call,
          "reject",
          service,
          id,
          reply,
          () ->
              new AuditedCalls.Outcome(
                  200,
                  new ChangeAnswer(
                          signOff.reject(service, id, call.user(), comment(call), now).summary(),
                          null)
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
      audit.snapshotsRead(call, service, events);
      reply.send(200, events.toJson());
    } else {
      throw unknown(call);
    }
  }

  static long parseLong(String text, long fallback) {
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

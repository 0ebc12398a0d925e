package dev.jlive.controller.http;

import dev.jlive.controller.audit.AuditTrail;
import dev.jlive.controller.auth.Access;
import dev.jlive.controller.auth.Grant;
import dev.jlive.controller.auth.Operation;
import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.auth.UserStore;
import dev.jlive.controller.fleet.AgentSessions;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceOutput;
import dev.jlive.controller.fleet.ServiceShadows;
import dev.jlive.controller.fleet.SignOff;
import dev.jlive.controller.rollout.Rollouts;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.controller.store.PolicyStore;
import dev.jlive.controller.ui.FleetListings;
import dev.jlive.controller.ui.SelectorCheck;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeList;
import dev.jlive.protocol.event.ServiceEvents;
import dev.jlive.protocol.fleet.ClassAnswer;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.Health;
import dev.jlive.protocol.fleet.Labels;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.ServiceList;
import dev.jlive.protocol.fleet.SyncBody;
import dev.jlive.protocol.governance.ApprovalList;
import dev.jlive.protocol.governance.Policy;
import dev.jlive.protocol.user.UserBody;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which call runs what: the agent protocol and the user API of {@link FleetApi}, matched on the
 * same paths the clients build, so that a path changed there is changed here. Every call asks
 * {@link Access} first, so nothing is read or changed for a user without the role.
 */
public final class ControllerRoutes implements ControllerServer.Router {
  private final FleetStore store;
  private final AgentSessions agents;
  private final ServiceChanges changes;
  private final ServiceOutput output;
  private final ServiceShadows shadows;
  private final UserStore users;
  private final Access access;
  private final PolicyStore policies;
  private final SignOff signOff;
  private final Rollouts rollouts;
  private final AuditedCalls audit;

  public ControllerRoutes(
      FleetStore store,
      AgentSessions agents,
      ServiceChanges changes,
      ServiceOutput output,
      UserStore users,
      PolicyStore policies,
      SignOff signOff,
      Rollouts rollouts,
      AuditTrail audit) {
    this.store = store;
    this.agents = agents;
    this.changes = changes;
    this.output = output;
    this.shadows = new ServiceShadows(store, changes);
    this.users = users;
    this.access = new Access(users::admins);
    this.policies = policies;
    this.signOff = signOff;
    this.rollouts = rollouts;
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
    Principal who = call.principal();
    switch (method + " " + path) {
      case "POST " + FleetApi.REGISTER -> {
        RegisterBody body = RegisterBody.fromWire(call.body());
        access.check(who, Operation.REGISTER, body.service());
        reply.send(200, agents.register(body, now).toJson());
      }
      case "POST " + FleetApi.SYNC -> {
        SyncBody body = SyncBody.fromWire(call.body());
        checkOwnProcess(who, Operation.SYNC, body.process());
        agents.sync(
            body,
            answer ->
                reply.send(
                    answer instanceof Map<?, ?> map && map.containsKey("error") ? 503 : 200,
                    answer));
      }
      case "POST " + FleetApi.CLASS_ANSWERS -> {
        ClassAnswer body = ClassAnswer.fromWire(call.body());
        checkOwnProcess(who, Operation.SYNC, body.process());
        agents.answer(body);
        reply.send(200, Map.of("received", true));
      }
      case "POST " + FleetApi.DEREGISTER -> {
        DeregisterBody body = DeregisterBody.fromWire(call.body());
        checkOwnProcess(who, Operation.DEREGISTER, body.process());
        reply.send(200, agents.deregister(body).toJson());
      }
      case "GET " + FleetApi.USERS -> {
        access.check(who, Operation.MANAGE_USERS, null);
        reply.send(200, users.list().toJson());
      }
      case "POST " + FleetApi.USERS -> {
        access.check(who, Operation.MANAGE_USERS, null);
        UserBody body = UserBody.fromWire(call.body());
        List<Grant> grants = body.roles().stream().map(Grant::parse).toList();
        audit.change(
            call,
            "add user " + body.name() + " " + String.join(" ", body.roles()),
            null,
            null,
            reply,
            () ->
                new AuditedCalls.Outcome(
                    201, users.add(body.name(), grants, Instant.ofEpochMilli(now)).toJson(), null));
      }
      case "GET " + FleetApi.HEALTH -> {
        access.check(who, Operation.HEALTH, null);
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
      }
      case "GET " + FleetApi.SERVICES -> {
        access.check(who, Operation.LIST_SERVICES, null);
        reply.send(
            200,
            new ServiceList(
                    changes.services().stream()
                        .filter(service -> Access.mayView(who, service.name()))
                        .toList())
                .toJson());
      }
      case "GET " + FleetApi.AUDIT -> {
        access.check(who, Operation.READ_AUDIT, null);
        reply.send(200, audit.page(call).toJson());
      }
      case "GET " + FleetApi.AUDIT_VERIFY -> {
        access.check(who, Operation.READ_AUDIT, null);
        reply.send(200, audit.log().verify().toJson());
      }
      case "GET " + FleetApi.AUDIT_HEAD -> {
        access.check(who, Operation.READ_AUDIT, null);
        reply.send(200, audit.log().currentHead().toJson());
      }
      case "GET " + FleetApi.POLICIES -> {
        access.check(who, Operation.READ_POLICY, null);
        reply.send(200, policies.defaults().toJson());
      }
      case "PUT " + FleetApi.POLICIES -> {
        // The default applies to every service: only an admin of all of them may set it.
        access.check(who, Operation.SET_POLICY, null);
        audit.change(
            call,
            "set default policy",
            null,
            null,
            reply,
            () ->
                new AuditedCalls.Outcome(
                    200, policies.set(null, Policy.fromJson(call.body())).toJson(), null));
      }
      case "GET " + FleetApi.APPROVALS -> {
        String service = call.query("service");
        access.check(who, Operation.LIST_APPROVALS, service);
        ApprovalList waiting = signOff.waiting(service);
        reply.send(
            200,
            new ApprovalList(
                    waiting.waiting().stream()
                        .filter(entry -> Access.mayView(who, entry.change().service()))
                        .toList())
                .toJson());
      }
      case "GET " + FleetApi.ROLLOUTS -> {
        String service = call.query("service");
        access.check(who, Operation.LIST_ROLLOUTS, service);
        List<String> services =
            service != null
                ? List.of(service)
                : store.services().stream().filter(name -> Access.mayView(who, name)).toList();
        reply.send(200, rollouts.list(services).toJson());
      }
      default -> {
        if (path.startsWith(FleetApi.USERS + "/")) {
          routeUser(call, path, reply, now);
        } else if (s.length == 3 && path.equals(FleetApi.policy(s[2]))) {
          routePolicy(call, s[2], reply);
        } else {
          routeService(call, path, reply, now);
        }
      }
    }
  }

  /**
   * Sync and deregister name a process, not a service: the process must be one of the agent's own
   * service. A process the controller does not know is left to the call, which tells the agent to
   * register again (where its service is checked).
   */
  private void checkOwnProcess(Principal who, Operation operation, String process) {
    String service = agents.serviceOf(process);
    if (service != null || !who.isAgent()) {
      access.check(who, operation, service);
    }
  }

  /** {@code /v1/users/{name}} and {@code /v1/users/{name}/rotate}. */
  private void routeUser(
      ControllerServer.Call call, String path, ControllerServer.Reply reply, long now) {
    access.check(call.principal(), Operation.MANAGE_USERS, null);
    String[] s = call.segments();
    String name = s.length >= 3 ? s[2] : "";
    if (s.length == 3 || s.length == 4) {
      UserBody.checkedName(name);
    }
    if (path.equals(FleetApi.user(name)) && call.method().equals("DELETE")) {
      audit.change(
          call,
          "revoke user " + name,
          null,
          null,
          reply,
          () ->
              new AuditedCalls.Outcome(
                  200, JsonObject.create().put("user", users.revoke(name)).toMap(), null));
    } else if (path.equals(FleetApi.rotate(name)) && call.method().equals("POST")) {
      audit.change(
          call,
          "rotate user " + name,
          null,
          null,
          reply,
          () ->
              new AuditedCalls.Outcome(
                  200, users.rotate(name, Instant.ofEpochMilli(now)).toJson(), null));
    } else {
      throw unknown(call);
    }
  }

  /** {@code /v1/policies/{service}}: a service's policy may be set before any process joins it. */
  private void routePolicy(
      ControllerServer.Call call, String service, ControllerServer.Reply reply) {
    Labels.service(service);
    switch (call.method()) {
      case "GET" -> {
        access.check(call.principal(), Operation.READ_POLICY, service);
        reply.send(200, policies.effective(service).toJson());
      }
      case "PUT" -> {
        access.check(call.principal(), Operation.SET_POLICY, service);
        audit.change(
            call,
            "set policy",
            service,
            null,
            reply,
            () ->
                new AuditedCalls.Outcome(
                    200, policies.set(service, Policy.fromJson(call.body())).toJson(), null));
      }
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
    Principal who = call.principal();
    if (path.equals(FleetApi.processes(service)) && method.equals("GET")) {
      access.check(who, Operation.LIST_PROCESSES, service);
      reply.send(200, new ProcessList(service, changes.processes(service)).toJson());
    } else if (path.equals(FleetApi.changes(service)) && method.equals("GET")) {
      access.check(who, Operation.LIST_CHANGES, service);
      reply.send(200, new ChangeList(service, changes.history(service)).toJson());
    } else if (path.equals(FleetApi.changes(service)) && method.equals("POST")) {
      // The body's kind decides the role; anything but a probe needs the patcher's.
      boolean probe = "probe".equals(call.body().get("kind"));
      access.check(who, probe ? Operation.ADD_PROBE : Operation.ADD_PATCH, service);
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
      access.check(who, Operation.READ_CHANGE, service);
      reply.send(200, changes.status(service, id).toJson());
    } else if (id != null && path.equals(FleetApi.change(service, id)) && method.equals("DELETE")) {
      // Removing a probe is the prober's; reverting a patch, or a change not found, the patcher's.
      Change change = store.change(service, id);
      boolean probe = change != null && change.kind() == ChangeKind.PROBE;
      access.check(who, probe ? Operation.REVERT_PROBE : Operation.REVERT_PATCH, service);
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
    } else if (id != null && path.equals(FleetApi.shadow(service, id)) && method.equals("GET")) {
      access.check(who, Operation.READ_SHADOW, service);
      reply.send(200, shadows.report(service, id).toJson());
    } else if (id != null
        && path.equals(FleetApi.promoteShadow(service, id))
        && method.equals("POST")) {
      access.check(who, Operation.PROMOTE_SHADOW, service);
      audit.change(
          call,
          "promote shadow",
          service,
          id,
          reply,
          () -> {
            FleetStore.Added added = shadows.promote(service, id, call.user(), now);
            return new AuditedCalls.Outcome(
                added.created() ? 201 : 200,
                new ChangeAnswer(added.change().summary(), added.created()).toJson(),
                id);
          });
    } else if (id != null && path.equals(FleetApi.approve(service, id)) && method.equals("POST")) {
      access.check(who, Operation.APPROVE, service);
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
      // An approver rejects; the author may withdraw their own proposal with the role that made it.
      Change change = store.change(service, id);
      if (change != null && change.author().equals(who.name())) {
        access.check(
            who,
            change.kind() == ChangeKind.PROBE ? Operation.ADD_PROBE : Operation.ADD_PATCH,
            service);
      } else {
        access.check(who, Operation.APPROVE, service);
      }
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
    } else if (id != null && path.equals(FleetApi.rollout(service, id)) && method.equals("GET")) {
      access.check(who, Operation.READ_ROLLOUT, service);
      reply.send(200, rollouts.status(service, id).toJson());
    } else if (s.length == 6
        && path.equals(FleetApi.rolloutAction(service, id, s[5]))
        && Rollouts.ACTIONS.contains(s[5])
        && method.equals("POST")) {
      routeRolloutAction(call, service, id, s[5], reply, now);
    } else if (path.equals(FleetApi.selector(service)) && method.equals("GET")) {
      access.check(who, Operation.CHECK_SELECTOR, service);
      int live = changes.processes(service).size();
      reply.send(
          200,
          new SelectorCheck(new FleetListings(agents, service, live)).check(call.query("text")));
    } else if (path.equals(FleetApi.metrics(service)) && method.equals("GET")) {
      access.check(who, Operation.READ_METRICS, service);
      reply.send(200, output.metrics(service, call.query("change")).toJson());
    } else if (path.equals(FleetApi.events(service)) && method.equals("GET")) {
      access.check(who, Operation.READ_EVENTS, service);
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

  /**
   * Pause, resume or abort: the role that may add that kind of change (abort reverts it, as that
   * role may). Promote cuts a bake short that an approver approved: an approver's.
   */
  private void routeRolloutAction(
      ControllerServer.Call call,
      String service,
      String id,
      String action,
      ControllerServer.Reply reply,
      long now) {
    Change change = store.change(service, id);
    boolean probe = change != null && change.kind() == ChangeKind.PROBE;
    access.check(
        call.principal(),
        action.equals("promote")
            ? Operation.PROMOTE_ROLLOUT
            : probe ? Operation.STEER_PROBE_ROLLOUT : Operation.STEER_PATCH_ROLLOUT,
        service);
    audit.change(
        call,
        action + " rollout",
        service,
        id,
        reply,
        () ->
            new AuditedCalls.Outcome(
                200, rollouts.act(service, id, action, call.user(), now).toJson(), id));
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

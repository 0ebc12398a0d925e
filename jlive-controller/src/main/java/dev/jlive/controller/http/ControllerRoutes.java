package dev.jlive.controller.http;

import dev.jlive.controller.auth.Access;
import dev.jlive.controller.auth.Grant;
import dev.jlive.controller.auth.Operation;
import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.auth.UserStore;
import dev.jlive.controller.fleet.AgentSessions;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceOutput;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeList;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.Health;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.ServiceList;
import dev.jlive.protocol.fleet.SyncBody;
import dev.jlive.protocol.user.UserBody;
import java.time.Instant;
import java.util.List;

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
  private final UserStore users;
  private final Access access;

  public ControllerRoutes(
      FleetStore store,
      AgentSessions agents,
      ServiceChanges changes,
      ServiceOutput output,
      UserStore users) {
    this.store = store;
    this.agents = agents;
    this.changes = changes;
    this.output = output;
    this.users = users;
    this.access = new Access(users::admins);
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
        agents.sync(body, answer -> reply.send(answer.containsKey("error") ? 503 : 200, answer));
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
        reply.send(201, users.add(body.name(), grants, Instant.ofEpochMilli(now)).toJson());
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
      default -> {
        if (path.startsWith(FleetApi.USERS + "/")) {
          routeUser(call, path, reply, now);
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
      reply.send(200, JsonObject.create().put("user", users.revoke(name)).toMap());
    } else if (path.equals(FleetApi.rotate(name)) && call.method().equals("POST")) {
      reply.send(200, users.rotate(name, Instant.ofEpochMilli(now)).toJson());
    } else {
      throw unknown(call);
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
      FleetStore.Added added = changes.add(service, call.body(), call.user(), now);
      reply.send(
          added.created() ? 201 : 200,
          new ChangeAnswer(added.change().summary(), added.created()).toJson());
    } else if (id != null && path.equals(FleetApi.change(service, id)) && method.equals("GET")) {
      access.check(who, Operation.READ_CHANGE, service);
      reply.send(200, changes.status(service, id).toJson());
    } else if (id != null && path.equals(FleetApi.change(service, id)) && method.equals("DELETE")) {
      // Removing a probe is the prober's; reverting a patch, or a change not found, the patcher's.
      Change change = store.change(service, id);
      boolean probe = change != null && change.kind() == ChangeKind.PROBE;
      access.check(who, probe ? Operation.REVERT_PROBE : Operation.REVERT_PATCH, service);
      reply.send(
          200,
          new ChangeAnswer(changes.revert(service, id, call.user(), now).summary(), null).toJson());
    } else if (path.equals(FleetApi.metrics(service)) && method.equals("GET")) {
      access.check(who, Operation.READ_METRICS, service);
      reply.send(200, output.metrics(service, call.query("change")).toJson());
    } else if (path.equals(FleetApi.events(service)) && method.equals("GET")) {
      access.check(who, Operation.READ_EVENTS, service);
      reply.send(
          200,
          output
              .events(
                  service,
                  call.query("change"),
                  parseLong(call.query("after"), 0),
                  (int) Math.min(1000, parseLong(call.query("limit"), 200)))
              .toJson());
    } else {
      throw unknown(call);
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

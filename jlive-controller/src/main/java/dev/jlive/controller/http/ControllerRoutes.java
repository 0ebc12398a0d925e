package dev.jlive.controller.http;

import dev.jlive.controller.fleet.AgentSessions;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceOutput;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Version;
import java.util.LinkedHashMap;
import java.util.Map;

/** Which call runs what: the agent protocol and the user API of {@link dev.jlive.protocol.FleetApi}. */
public final class ControllerRoutes implements ControllerServer.Router {
  private final FleetStore store;
  private final AgentSessions agents;
  private final ServiceChanges changes;
  private final ServiceOutput output;

  public ControllerRoutes(FleetStore store, AgentSessions agents, ServiceChanges changes, ServiceOutput output) {
    this.store = store;
    this.agents = agents;
    this.changes = changes;
    this.output = output;
  }

  @Override
  public void route(ControllerServer.Call call, ControllerServer.Reply reply) {
    String[] s = call.segments();
    String method = call.method();
    long now = System.currentTimeMillis();
    if (s.length < 2 || !s[0].equals("v1")) {
      throw unknown(call);
    }
    if (s[1].equals("agents") && s.length == 3 && method.equals("POST")) {
      switch (s[2]) {
        case "register" -> reply.send(200, agents.register(call.body(), now));
        case "sync" -> agents.sync(call.body(), answer -> reply.send(answer.containsKey("error") ? 503 : 200, answer));
        case "deregister" -> reply.send(200, agents.deregister(call.body()));
        default -> throw unknown(call);
      }
      return;
    }
    if (s[1].equals("health") && s.length == 2 && method.equals("GET")) {
      Map<String, Object> health = new LinkedHashMap<>();
      health.put("version", Version.current());
      health.put("zookeeper", store.connectionState());
      health.put("zookeeperAt", store.connectString());
      health.put("connectedAgents", agents.connected());
      health.put("waitingPolls", agents.parkedPolls());
      reply.send(200, health);
      return;
    }
    if (!s[1].equals("services")) {
      throw unknown(call);
    }
    if (s.length == 2 && method.equals("GET")) {
      reply.send(200, Map.of("services", changes.services()));
      return;
    }
    String service = s.length > 2 ? s[2] : "";
    String what = s.length > 3 ? s[3] : "";
    String key = method + " " + what + (s.length == 5 ? "/id" : "");
    if (s.length > 5) {
      throw unknown(call);
    }
    switch (key) {
      case "GET processes" -> reply.send(200, Map.of("service", service, "processes", changes.processes(service)));
      case "GET changes" -> reply.send(200, Map.of("service", service, "changes", changes.history(service)));
      case "POST changes" -> {
        var added = changes.add(service, call.body(), call.user(), now);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("change", ServiceChanges.summary(added.change()));
        answer.put("created", added.created());
        reply.send(added.created() ? 201 : 200, answer);
      }
      case "GET changes/id" -> reply.send(200, changes.status(service, s[4]));
      case "DELETE changes/id" -> {
        reply.send(200, Map.of("change", ServiceChanges.summary(changes.revert(service, s[4], call.user(), now))));
      }
      case "GET metrics" -> reply.send(200, output.metrics(service, call.query("change")).toJson());
      case "GET events" -> reply.send(200, output.events(service, call.query("change"),
          parseLong(call.query("after"), 0), (int) Math.min(1000, parseLong(call.query("limit"), 200))).toJson());
      default -> throw unknown(call);
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
    return new JLiveException(ErrorCode.UNKNOWN_ENDPOINT, "no " + call.method() + " /" + String.join("/", call.segments()),
        "see dev.jlive.protocol.FleetApi for the controller's API");
  }
}

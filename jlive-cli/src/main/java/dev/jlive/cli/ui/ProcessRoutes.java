package dev.jlive.cli.ui;

import dev.jlive.cli.CliException;
import dev.jlive.cli.client.AgentClient;
import dev.jlive.controller.http.ControllerServer;
import dev.jlive.controller.ui.SelectorCheck;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.metrics.ServiceProbeMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's user API for the dashboard's pages, answered by one agent: {@code jlive ui PID}
 * shows that process as a service of one, so the same pages (and the same bundle) serve both. Only
 * what the pages read is answered; the rest, and what a single process does not have (approvals,
 * audit, patches from a form), is refused with what to use instead.
 */
final class ProcessRoutes implements ControllerServer.Router {
  private final AgentClient agent;
  private final String service;
  private final SelectorCheck selectors;

  ProcessRoutes(AgentClient agent, String service) {
    this.agent = agent;
    this.service = service;
    this.selectors = new SelectorCheck(new AgentListings(agent));
  }

  @Override
  public void route(ControllerServer.Call call, ControllerServer.Reply reply) {
    try {
      reply.send(200, answer(call));
    } catch (CliException e) {
      // The agent's own refusal (or why it cannot be reached), passed on as the API would.
      throw AgentListings.refusal(e);
    }
  }

  private Object answer(ControllerServer.Call call) {
    String[] path = call.segments();
    String method = call.method();
    if (path.length == 2 && path[1].equals("approvals") && method.equals("GET")) {
      return Map.of("waiting", List.of());
    }
    if (path.length == 2 && path[1].equals("services") && method.equals("GET")) {
      return Map.of("services", List.of(summary()));
    }
    if (path.length >= 4 && path[1].equals("services")) {
      requireService(path[2]);
      String what = path[3];
      if (path.length == 4) {
        switch (method + " " + what) {
          case "GET processes" -> {
            return Map.of("service", service, "processes", List.of(processRow()));
          }
          case "GET changes" -> {
            return Map.of("service", service, "changes", changes());
          }
          case "POST changes" -> {
            return addProbe(call.body(), call.user());
          }
          case "GET metrics" -> {
            return metrics();
          }
          case "GET events" -> {
            return events(call.query());
          }
          case "GET selector" -> {
            return selectors.check(call.query("text"));
          }
          default -> {
            // Falls through to the refusal below.
          }
        }
      }
      if (path.length == 5 && what.equals("changes")) {
        if (method.equals("GET")) {
          return status(path[4]);
        }
        if (method.equals("DELETE")) {
          agent.delete(Api.CHANGES, Map.of("id", path[4]));
          return Map.of("change", change(path[4]));
        }
      }
    }
    throw new JLiveException(
        ErrorCode.UNKNOWN_ENDPOINT,
        "a single process has no " + method + " " + String.join("/", path),
        "services, approvals and the audit log are the controller's; `jlive help` lists what a"
            + " process offers");
  }

  private void requireService(String name) {
    if (!service.equals(name)) {
      throw new JLiveException(
          ErrorCode.UNKNOWN_SERVICE,
          "this dashboard shows one process, " + service + ", not " + name,
          "open the pages of " + service);
    }
  }

  private Map<String, Object> summary() {
    long active = ledger().stream().filter(entry -> isLive(entry.get("state"))).count();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("name", service);
    summary.put("processes", 1);
    summary.put("activeChanges", active);
    return summary;
  }

  /** The process as the services page shows a row: who it is, its Java and agent, its changes. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> processRow() {
    Map<String, Object> info = agent.get(Api.INFO, Map.of());
    Map<String, Object> jvm = (Map<String, Object>) info.get("jvm");
    Map<String, Object> own = (Map<String, Object>) info.get("agent");
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("main", String.valueOf(jvm.get("mainClass")));
    labels.put("agent", String.valueOf(own.get("mode")));
    Map<String, Object> changes = new LinkedHashMap<>();
    for (Map<String, Object> entry : ledger()) {
      changes.put(String.valueOf(entry.get("id")), Map.of("state", entry.get("state")));
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", service);
    row.put("service", service);
    row.put("host", "localhost");
    row.put("pid", jvm.get("pid"));
    row.put("javaVersion", jvm.get("javaVersion"));
    row.put("agentVersion", own.get("version"));
    row.put("labels", labels);
    row.put("changes", changes);
    row.put("lastSeen", Instant.now().toString());
    return row;
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> ledger() {
    Object changes = agent.get(Api.CHANGES, Map.of()).get("changes");
    return changes instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  /** The ledger, newest first, each entry in the controller's change form. */
  private List<Map<String, Object>> changes() {
    Map<String, Map<String, Object>> probes = probesById();
    List<Map<String, Object>> changes = new ArrayList<>();
    for (Map<String, Object> entry : ledger()) {
      changes.add(0, asChange(entry, probes.get(String.valueOf(entry.get("id")))));
    }
    return changes;
  }

  /** One change from the ledger alone: the stream asks for each listed change every second. */
  private Map<String, Object> change(String id) {
    for (Map<String, Object> entry : ledger()) {
      if (id.equals(entry.get("id"))) {
        return asChange(entry, null);
      }
    }
    throw new JLiveException(
        ErrorCode.UNKNOWN_CHANGE,
        "no change " + id + " in " + service,
        "the Changes page lists this process's changes");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> probesById() {
    Map<String, Map<String, Object>> byId = new HashMap<>();
    if (agent.get(Api.PROBES, Map.of()).get("probes") instanceof List<?> list) {
      for (Object probe : list) {
        Map<String, Object> one = (Map<String, Object>) probe;
        byId.put(String.valueOf(one.get("id")), one);
      }
    }
    return byId;
  }

  private static Map<String, Object> asChange(
      Map<String, Object> entry, Map<String, Object> probe) {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("id", entry.get("id"));
    change.put("kind", entry.get("kind"));
    change.put("description", entry.get("description"));
    // The ledger's states, as the pages know them: live is "active"; the others say why it ended.
    Object state = entry.get("state");
    change.put("state", isLive(state) ? "active" : state);
    change.put("processState", state);
    change.put("reason", entry.get("reason"));
    change.put("author", entry.get("author"));
    change.put("createdAt", entry.get("createdAt"));
    change.put("required", 0);
    change.put("approvals", List.of());
    if (probe != null) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("selector", probe.get("selector"));
      spec.put("kind", probe.get("kind"));
      change.put("spec", spec);
    }
    return change;
  }

  private static boolean isLive(Object state) {
    return "active".equals(state) || "waiting".equals(state);
  }

  private Map<String, Object> status(String id) {
    Map<String, Object> change = change(id);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("process", service);
    result.put("host", "localhost");
    result.put("pid", agent.endpoint().pid());
    result.put("state", change.get("processState"));
    result.put("message", change.get("reason"));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("change", change);
    status.put("results", List.of(result));
    return status;
  }

  /**
   * A probe from the form, added straight to the agent; the form's other kinds of change (patches)
   * need their sources, which the CLI sends.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> addProbe(Map<String, Object> body, String user) {
    if (!"probe".equals(body.get("kind")) || !(body.get("spec") instanceof Map<?, ?> spec)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the pages of one process add probes only ({\"kind\": \"probe\", \"spec\": {...}})",
          "patch with `jlive patch PID`, then see it on the Changes page");
    }
    Map<String, Object> added = agent.post(Api.PROBES, (Map<String, Object>) spec);
    Object id = added.get("id");
    if (id == null && added.get("probe") instanceof Map<?, ?> probe) {
      id = probe.get("id");
    }
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("id", id);
    change.put("kind", "probe");
    change.put("state", "active");
    change.put("author", user);
    change.put("spec", spec);
    return Map.of("change", change, "created", true, "answer", added);
  }

  /** The agent's metrics as the controller's merged view of a service of one. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> metrics() {
    List<Map<String, Object>> merged = new ArrayList<>();
    List<Map<String, Object>> processes = new ArrayList<>();
    for (Map<String, Object> probe : probeMetrics()) {
      Object id = probe.get("id");
      merged.add(merge(probe).toJson());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("process", service);
      row.put("host", "localhost");
      row.put("pid", agent.endpoint().pid());
      row.put("change", id);
      row.put("metrics", probe);
      processes.add(row);
    }
    return Map.of("service", service, "merged", merged, "processes", processes);
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> probeMetrics() {
    Object probes = agent.get(Api.PROBE_METRICS, Map.of()).get("probes");
    return probes instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  /** What the charts sample once a second: this process's probes as it reports them. */
  Map<String, Map<String, Map<String, ProbeMetrics>>> reported() {
    Map<String, ProbeMetrics> byChange = new LinkedHashMap<>();
    for (Map<String, Object> probe : probeMetrics()) {
      byChange.put(String.valueOf(probe.get("id")), ProbeMetrics.fromWire(probe));
    }
    return Map.of(service, Map.of(service, byChange));
  }

  private static ServiceProbeMetrics merge(Map<String, Object> probe) {
    return ServiceProbeMetrics.merge(
        String.valueOf(probe.get("id")), List.of(ProbeMetrics.fromWire(probe)));
  }

  /**
   * New events after the page's cursor, each named by this process as the controller names them.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> events(Map<String, String> query) {
    Map<String, String> ask = new HashMap<>();
    ask.put("after", query.getOrDefault("after", "0"));
    ask.put("limit", query.getOrDefault("limit", "200"));
    Map<String, Object> answer = agent.get(Api.EVENTS, ask);
    List<Map<String, Object>> events = new ArrayList<>();
    if (answer.get("events") instanceof List<?> list) {
      for (Object item : list) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("process", service);
        event.put("host", "localhost");
        event.put("pid", agent.endpoint().pid());
        Map<String, Object> own = (Map<String, Object>) item;
        event.put("timeMillis", Instant.parse(String.valueOf(own.get("time"))).toEpochMilli());
        event.put("event", own);
        events.add(event);
      }
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("events", events);
    page.put("last", answer.get("last"));
    return page;
  }
}

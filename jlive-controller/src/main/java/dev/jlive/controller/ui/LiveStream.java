package dev.jlive.controller.ui;

import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.auth.Role;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One browser tab's server-sent events: once a second it reads, as the signed-in user and through
 * the API's own routes, what the tab shows (services, the chosen service's processes, changes,
 * metrics, events, approvals, and the chosen probe's history) and sends each part only when it
 * differs from what it sent last; the tables of processes, per-process metrics and per-process
 * states go as the rows that changed ({@link TableDiff}). A part the user may not read is sent as
 * the API's refusal.
 */
final class LiveStream {
  /** Changes whose per-state counts ride along with the list; older ones are read on demand. */
  static final int SUMMARISED_CHANGES = 30;

  private static final int HTTP_NOT_FOUND = 404;

  private final RouteCalls routes;
  private final ProbeHistory history;
  private final PatchSourceLookup patches;
  private final String service;
  private final String change;
  private final Duration heartbeat;
  private final String from;
  private final Map<String, String> lastSent = new HashMap<>();

  /** The topics sent as row diffs, with the field and key fields of their rows. */
  private final Map<String, TableDiff> tables =
      Map.of(
          "processes", new TableDiff("processes", "id"),
          "metrics", new TableDiff("processes", "process", "change"),
          "status", new TableDiff("results", "process"));

  private long eventCursor;

  /**
   * The change list as it was when the chosen patch's sources were last looked up: the diff depends
   * only on which patches are active, so while the list stays the same the lookup (under {@code
   * jlive ui PID} a request to the agent for up to 256 KB of sources) is not repeated.
   */
  private String changesAtPatchLookup;

  LiveStream(
      RouteCalls routes,
      ProbeHistory history,
      PatchSourceLookup patches,
      String service,
      String change,
      Duration heartbeat,
      String from) {
    this.routes = routes;
    this.history = history;
    this.patches = patches;
    this.service = service;
    this.change = change;
    this.heartbeat = heartbeat;
    this.from = from;
  }

  /** Sends what changed since the last tick; false when the browser went away. */
  boolean tick(Principal who, OutputStream out) throws IOException {
    send(out, "rights", rights(who));
    // The server's clock, so a page measures "last seen" ages without trusting the browser's, and
    // the heartbeat, so it can tell a process that missed its syncs (dropped after three).
    send(
        out,
        "clock",
        Map.of("now", System.currentTimeMillis(), "heartbeatMillis", heartbeat.toMillis()));
    send(out, "services", routes.get(who, FleetApi.SERVICES, Map.of(), from));
    if (service == null) {
      out.flush();
      return true;
    }
    send(out, "processes", routes.get(who, FleetApi.processes(service), Map.of(), from));
    RouteCalls.Answer changes = routes.get(who, FleetApi.changes(service), Map.of(), from);
    send(out, "changes", changes);
    if (changes.ok()) {
      send(out, "states", states(who, changes.body()));
    }
    send(out, "approvals", routes.get(who, FleetApi.APPROVALS, Map.of("service", service), from));
    RouteCalls.Answer metrics = routes.get(who, FleetApi.metrics(service), Map.of(), from);
    send(out, "metrics", metrics);
    if (change != null) {
      RouteCalls.Answer status = routes.get(who, FleetApi.change(service, change), Map.of(), from);
      send(out, "status", status);
      if (status.ok()) {
        patch(out);
        shadow(who, out, changes);
      }
      RouteCalls.Answer rollout =
          routes.get(who, FleetApi.rollout(service, change), Map.of(), from);
      // Most changes go out at once, without a rollout: the API's "no such rollout" shows nothing.
      if (rollout.status() != HTTP_NOT_FOUND) {
        send(out, "rollout", rollout);
      }
      if (metrics.ok()) {
        send(out, "history", Map.of("change", change, "points", history.points(service, change)));
      }
    }
    events(who, out);
    out.flush();
    return true;
  }

  /**
   * The chosen patch's diff against what ran before it and its sources, for the patch view; sent
   * once the change's own route answered, so only to users who may read the change.
   */
  private void patch(OutputStream out) throws IOException {
    // As sent a moment ago (send keeps each topic's text): no second encoding of the list.
    String changeList = lastSent.get("changes");
    if (changeList == null || changeList.equals(changesAtPatchLookup)) {
      return;
    }
    changesAtPatchLookup = changeList;
    ServiceChanges.PatchSources sources;
    try {
      sources = patches.find(service, change);
    } catch (JLiveException gone) {
      // Removed between the two reads: the status already says so.
      return;
    }
    if (sources != null) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("change", change);
      json.put("diff", sources.diff());
      json.put("spec", sources.spec());
      send(out, "patch", json);
    }
  }

  /**
   * The chosen shadow's report merged over the service's processes and each one's, from the same
   * route as {@code jlive shadow --service}; nothing for a change of another kind.
   */
  private void shadow(Principal who, OutputStream out, RouteCalls.Answer changes)
      throws IOException {
    if (!isShadow(changes)) {
      return;
    }
    RouteCalls.Answer report = routes.get(who, FleetApi.shadow(service, change), Map.of(), from);
    if (report.ok() && report.body() instanceof Map<?, ?> body) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", change);
      json.put("merged", body.get("merged"));
      json.put("processes", body.get("processes"));
      send(out, "shadow", json);
    } else {
      send(out, "shadow", report);
    }
  }

  /** Whether the chosen change is a shadow, by its row in the service's change list. */
  private boolean isShadow(RouteCalls.Answer changes) {
    if (changes.ok()
        && changes.body() instanceof Map<?, ?> list
        && list.get("changes") instanceof List<?> all) {
      for (Object item : all) {
        if (item instanceof Map<?, ?> one && change.equals(one.get("id"))) {
          return "shadow".equals(one.get("kind"));
        }
      }
    }
    return false;
  }

  /** New events only: the cursor moves on, and an empty page sends nothing. */
  @SuppressWarnings("unchecked")
  private void events(Principal who, OutputStream out) throws IOException {
    Map<String, String> query = new HashMap<>();
    query.put("after", Long.toString(eventCursor));
    query.put("limit", "200");
    RouteCalls.Answer events = routes.get(who, FleetApi.events(service), query, from);
    if (events.ok() && events.body() instanceof Map<?, ?> body) {
      Object list = body.get("events");
      if (body.get("last") instanceof Number last) {
        eventCursor = last.longValue();
      }
      if (list instanceof List<?> page && !page.isEmpty()) {
        write(out, "events", Json.write(body));
      }
    } else {
      send(out, "events", events);
    }
  }

  /**
   * Per change, how many processes are in each state: what the changes table shows without sending
   * every process's row for every change (a service of 2,000 processes would make that megabytes a
   * second).
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> states(Principal who, Object changeList) {
    Map<String, Object> counts = new LinkedHashMap<>();
    if (!(changeList instanceof Map<?, ?> list && list.get("changes") instanceof List<?> all)) {
      return counts;
    }
    for (Object item : all.subList(0, Math.min(SUMMARISED_CHANGES, all.size()))) {
      if (!(item instanceof Map<?, ?> one) || !(one.get("id") instanceof String id)) {
        continue;
      }
      RouteCalls.Answer status = routes.get(who, FleetApi.change(service, id), Map.of(), from);
      Map<String, Integer> byState = new TreeMap<>();
      if (status.ok()
          && status.body() instanceof Map<?, ?> body
          && body.get("results") instanceof List<?> results) {
        for (Object result : results) {
          if (result instanceof Map<?, ?> row) {
            byState.merge(String.valueOf(row.get("state")), 1, Integer::sum);
          }
        }
      }
      counts.put(id, byState);
    }
    return counts;
  }

  /**
   * What the pages may offer this user on the chosen service, from the same grants the API checks:
   * a button the API would refuse is not drawn (and the API still refuses it if forced).
   */
  private Map<String, Object> rights(Principal who) {
    Map<String, Object> rights = new LinkedHashMap<>();
    rights.put("user", who.name());
    rights.put("grants", who.describeGrants());
    rights.put("probe", who.may(Role.PROBER, service));
    rights.put("patch", who.may(Role.PATCHER, service));
    rights.put("approve", who.may(Role.APPROVER, service));
    rights.put("admin", who.may(Role.ADMIN, null));
    return rights;
  }

  private void send(OutputStream out, String topic, Object body) throws IOException {
    Object json = body instanceof RouteCalls.Answer answer ? tagged(answer) : body;
    TableDiff table = tables.get(topic);
    if (table != null) {
      json = table.next(json);
      if (json == null) {
        return;
      }
    }
    String text = Json.write(json);
    if (!text.equals(lastSent.get(topic))) {
      lastSent.put(topic, text);
      write(out, topic, text);
    }
  }

  /** A refusal travels as {"refused": the API's error}, so a page can show why it is empty. */
  private static Object tagged(RouteCalls.Answer answer) {
    return answer.ok()
        ? answer.body()
        : Map.of("refused", answer.body(), "status", answer.status());
  }

  private static void write(OutputStream out, String topic, String json) throws IOException {
    out.write(("event: " + topic + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
  }
}

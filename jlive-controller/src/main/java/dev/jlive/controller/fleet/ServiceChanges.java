package dev.jlive.controller.fleet;

import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** What users do to a service: list it, add a change, revert one, and see where each change stands. */
public final class ServiceChanges {
  private final FleetStore store;
  private final Function<String, Instant> lastSeen;

  /** @param lastSeen when a process last synced with this controller, or null if it talks to another one */
  public ServiceChanges(FleetStore store, Function<String, Instant> lastSeen) {
    this.store = store;
    this.lastSeen = lastSeen;
  }

  public List<Map<String, Object>> services() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (String name : store.services()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", name);
      entry.put("processes", store.processes(name).size());
      entry.put("activeChanges", store.desired(name).active().size());
      list.add(entry);
    }
    return list;
  }

  public List<Map<String, Object>> processes(String service) {
    requireService(service);
    Map<String, Map<String, Object>> reports = store.reports(service);
    List<Map<String, Object>> list = new ArrayList<>();
    store.processes(service).forEach((id, process) -> {
      Map<String, Object> entry = new LinkedHashMap<>(process);
      Map<String, Object> report = reports.get(id);
      entry.put("changes", report == null ? Map.of() : report.getOrDefault("changes", Map.of()));
      entry.put("reportedAt", report == null ? null : report.get("at"));
      Instant seen = lastSeen.apply(id);
      entry.put("lastSeen", seen == null ? report == null ? null : report.get("at") : seen.toString());
      list.add(entry);
    });
    list.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
    return list;
  }

  /** Adds a change for every live process matching {@code where}; the same change sent twice is applied once. */
  public FleetStore.Added add(String service, Map<String, Object> body, String author, long now) {
    requireService(service);
    ChangeRequest request = ChangeRequest.read(body);
    String kind = request.kind();
    Map<String, Object> spec = request.spec();
    Map<String, String> where = Names.labels(request.where(), "where");
    List<String> targets = new ArrayList<>();
    store.processes(service).forEach((id, process) -> {
      if (Names.matches(where, (Map<?, ?>) process.get("labels"))) {
        targets.add(id);
      }
    });
    if (targets.isEmpty()) {
      throw new JLiveException(ErrorCode.NO_MATCHING_PROCESS, "no live process of " + service
          + (where.isEmpty() ? "" : " has labels " + where), "`jlive processes " + service + "` lists the live processes and their labels");
    }
    String digest = digest(kind, spec, where);
    return store.addChange(service, digest, number -> {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("id", "c" + number);
      change.put("number", number);
      change.put("service", service);
      change.put("kind", kind);
      change.put("description", describe(kind, spec));
      change.put("spec", spec);
      change.put("where", where);
      change.put("digest", digest);
      change.put("author", author);
      change.put("createdAt", Instant.ofEpochMilli(now).toString());
      change.put("state", "active");
      change.put("targets", targets);
      return change;
    });
  }

  public Map<String, Object> revert(String service, String id, String author, long now) {
    Map<String, Object> change = require(service, id);
    if (!"active".equals(change.get("state"))) {
      return change;
    }
    return store.revertChange(service, id, current -> {
      Map<String, Object> reverted = new LinkedHashMap<>(current);
      reverted.put("state", "reverted");
      reverted.put("revertedBy", author);
      reverted.put("revertedAt", Instant.ofEpochMilli(now).toString());
      return reverted;
    });
  }

  public List<Map<String, Object>> history(String service) {
    requireService(service);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Map<String, Object> change : store.changes(service)) {
      list.add(summary(change));
    }
    return list;
  }

  /**
   * The change and, for each process it concerns, where it stands: the processes live when it
   * was made, and those that joined later and match it.
   */
  public Map<String, Object> status(String service, String id) {
    Map<String, Object> change = require(service, id);
    Map<String, Map<String, Object>> live = store.processes(service);
    Map<String, Map<String, Object>> reports = store.reports(service);
    Map<String, Map<String, Object>> lost = store.lost(service);
    Set<String> concerned = new LinkedHashSet<>();
    for (Object target : (List<?>) change.getOrDefault("targets", List.of())) {
      concerned.add(String.valueOf(target));
    }
    live.forEach((pid, process) -> {
      if (Names.matches((Map<?, ?>) change.get("where"), (Map<?, ?>) process.get("labels"))) {
        concerned.add(pid);
      }
    });
    boolean active = "active".equals(change.get("state"));
    List<Map<String, Object>> results = new ArrayList<>();
    for (String pid : concerned) {
      Map<String, Object> process = live.get(pid);
      if (process == null && !lost.containsKey(pid)) {
        continue; // it left the service cleanly (stopped or restarted): nothing of it is left to change
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("process", pid);
      row.put("host", process == null ? null : process.get("host"));
      row.put("pid", process == null ? null : process.get("pid"));
      Map<?, ?> reported = reported(reports.get(pid), id);
      String state;
      if (process == null) {
        state = "unreachable";
        row.put("host", lost.get(pid).get("host"));
        row.put("pid", lost.get(pid).get("pid"));
        row.put("message", "stopped syncing (since " + lost.get(pid).get("lostAt") + "); it gets the desired changes when it is back");
      } else if (reported == null) {
        // No word from it yet (a process that just registered has sent no report) is not "reverted".
        state = active || !reports.containsKey(pid) ? "pending" : "reverted";
      } else {
        state = String.valueOf(reported.get("state"));
        if (!active && state.equals("failed")) {
          state = "reverted";
        }
        if (reported.get("message") != null) {
          row.put("message", reported.get("message"));
        }
        if (reported.get("localId") != null) {
          row.put("localId", reported.get("localId"));
        }
      }
      row.put("state", state);
      results.add(row);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("change", summary(change));
    answer.put("results", results);
    return answer;
  }

  /** A change as users see it: everything but its spec (which may hold whole source files). */
  public static Map<String, Object> summary(Map<String, Object> change) {
    Map<String, Object> shown = new LinkedHashMap<>(change);
    shown.remove("spec");
    return shown;
  }

  private static Map<?, ?> reported(Map<String, Object> report, String id) {
    if (report == null || !(report.get("changes") instanceof Map<?, ?> changes)) {
      return null;
    }
    return changes.get(id) instanceof Map<?, ?> state ? state : null;
  }

  void requireService(String service) {
    Names.service(service);
    if (!store.serviceExists(service)) {
      List<String> known = store.services();
      throw new JLiveException(ErrorCode.UNKNOWN_SERVICE, "no service " + service + " (no process ever registered with it)",
          known.isEmpty() ? "start JVMs with -javaagent:jlive-agent.jar=controller=URL,service=" + service
              : "known services: " + String.join(", ", known));
    }
  }

  Map<String, Object> require(String service, String id) {
    requireService(service);
    Map<String, Object> change = store.change(service, id);
    if (change == null) {
      throw new JLiveException(ErrorCode.UNKNOWN_CHANGE, "service " + service + " has no change " + id,
          "`jlive changes --service " + service + "` lists its changes");
    }
    return change;
  }

  private static String describe(String kind, Map<?, ?> spec) {
    if (kind.equals("probe")) {
      Object probeKind = spec.get("kind") == null ? "metrics" : spec.get("kind");
      return probeKind + " probe on " + spec.get("selector");
    }
    List<String> parts = new ArrayList<>();
    if (spec.get("method") != null) {
      parts.add(String.valueOf(spec.get("method")));
    }
    for (String key : List.of("sources", "classFiles")) {
      if (spec.get(key) instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof Map<?, ?> file) {
            parts.add(String.valueOf(file.get(file.containsKey("name") ? "name" : file.containsKey("path") ? "path" : "className")));
          }
        }
      }
    }
    return "patch " + String.join(", ", parts);
  }

  /** The same kind, spec and labels give the same digest, whatever the order of the JSON keys. */
  static String digest(String kind, Map<?, ?> spec, Map<String, String> where) {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("kind", kind);
    canonical.put("spec", sorted(spec));
    canonical.put("where", new TreeMap<>(where));
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Json.write(canonical).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new TreeMap<>();
      map.forEach((key, item) -> copy.put(String.valueOf(key), sorted(item)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(sorted(item)));
      return copy;
    }
    return value;
  }
}

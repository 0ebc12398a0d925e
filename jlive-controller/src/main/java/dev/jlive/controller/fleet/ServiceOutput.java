package dev.jlive.controller.fleet;

import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.LatencyBuckets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A probe's output for a whole service: metrics added up over the processes (latency
 * percentiles from the summed histogram buckets, never averaged percentiles) and the events of
 * every process in one stream ordered by time.
 */
public final class ServiceOutput {
  private final FleetStore store;
  private final ServiceChanges changes;

  public ServiceOutput(FleetStore store, ServiceChanges changes) {
    this.store = store;
    this.changes = changes;
  }

  public Map<String, Object> metrics(String service, String changeId) {
    changes.requireService(service);
    if (changeId != null) {
      changes.require(service, changeId);
    }
    Map<String, Map<String, Object>> live = store.processes(service);
    Map<String, Sum> sums = new TreeMap<>();
    List<Object> perProcess = new ArrayList<>();
    store.reports(service).forEach((process, report) -> {
      if (!live.containsKey(process) || !(report.get("metrics") instanceof Map<?, ?> metrics)) {
        return;
      }
      metrics.forEach((id, entry) -> {
        if ((changeId == null || changeId.equals(id)) && entry instanceof Map<?, ?> probe) {
          sums.computeIfAbsent(String.valueOf(id), key -> new Sum(key, probe)).add(probe);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("process", process);
          row.put("host", live.get(process).get("host"));
          row.put("pid", live.get(process).get("pid"));
          row.put("change", id);
          row.putAll(withoutBuckets(probe));
          perProcess.add(row);
        }
      });
    });
    List<Object> merged = new ArrayList<>();
    sums.values().forEach(sum -> merged.add(sum.toJson()));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("service", service);
    answer.put("merged", merged);
    answer.put("processes", perProcess);
    return answer;
  }

  /** Events of every live process after {@code afterMillis}, oldest first; {@code last} is the cursor for the next call. */
  public Map<String, Object> events(String service, String changeId, long afterMillis, int limit) {
    changes.requireService(service);
    Map<String, Map<String, Object>> live = store.processes(service);
    List<Map<String, Object>> all = new ArrayList<>();
    store.events(service).forEach((process, node) -> {
      if (live.containsKey(process) && node.get("events") instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof Map<?, ?> event && (changeId == null || changeId.equals(String.valueOf(event.get("change"))))) {
            long at = millis(event.get("time"));
            if (at > afterMillis) {
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("process", process);
              row.put("host", live.get(process).get("host"));
              row.put("pid", live.get(process).get("pid"));
              event.forEach((key, value) -> row.put(String.valueOf(key), value));
              row.put("timeMillis", at);
              all.add(row);
            }
          }
        }
      }
    });
    all.sort((a, b) -> Long.compare((Long) a.get("timeMillis"), (Long) b.get("timeMillis")));
    List<Map<String, Object>> page = all.size() > limit ? all.subList(all.size() - limit, all.size()) : all;
    long last = page.isEmpty() ? afterMillis : (Long) page.get(page.size() - 1).get("timeMillis");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("events", new ArrayList<>(page));
    answer.put("last", last);
    return answer;
  }

  private static long millis(Object time) {
    try {
      return time == null ? 0 : Instant.parse(String.valueOf(time)).toEpochMilli();
    } catch (RuntimeException unparsable) {
      return 0;
    }
  }

  private static Map<String, Object> withoutBuckets(Map<?, ?> probe) {
    Map<String, Object> copy = new LinkedHashMap<>();
    probe.forEach((key, value) -> copy.put(String.valueOf(key), value));
    if (copy.get("latency") instanceof Map<?, ?> latency) {
      Map<String, Object> trimmed = new LinkedHashMap<>();
      latency.forEach((key, value) -> {
        if (!"buckets".equals(key)) {
          trimmed.put(String.valueOf(key), value);
        }
      });
      copy.put("latency", trimmed);
    }
    return copy;
  }

  /** One probe's numbers added up over processes. */
  private static final class Sum {
    final String change;
    final Object selector;
    final Object kind;
    long processes;
    long calls;
    final Map<String, Long> exceptions = new TreeMap<>();
    final Map<String, Long> callers = new HashMap<>();
    final Map<Integer, Long> buckets = new HashMap<>();
    long timed;
    long sumNanos;
    long maxNanos;
    boolean hasLatency;

    Sum(String change, Map<?, ?> first) {
      this.change = change;
      this.selector = first.get("selector");
      this.kind = first.get("kind");
    }

    void add(Map<?, ?> probe) {
      processes++;
      calls += number(probe.get("calls"));
      if (probe.get("exceptions") instanceof Map<?, ?> byType) {
        byType.forEach((type, count) -> exceptions.merge(String.valueOf(type), number(count), Long::sum));
      }
      if (probe.get("callers") instanceof List<?> paths) {
        for (Object path : paths) {
          if (path instanceof Map<?, ?> entry) {
            callers.merge(String.valueOf(entry.get("path")), number(entry.get("calls")), Long::sum);
          }
        }
      }
      if (probe.get("latency") instanceof Map<?, ?> latency) {
        hasLatency = true;
        if (latency.get("buckets") instanceof Map<?, ?> counts) {
          LatencyBuckets.addJson(counts, buckets);
        }
        timed += number(latency.containsKey("timedCalls") ? latency.get("timedCalls") : latency.get("count"));
        sumNanos += number(latency.get("sumNanos"));
        maxNanos = Math.max(maxNanos, number(latency.get("maxNanos")));
      }
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("change", change);
      json.put("selector", selector);
      json.put("kind", kind);
      json.put("processes", processes);
      json.put("calls", calls);
      if (hasLatency) {
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("timedCalls", timed);
        latency.put("meanMillis", timed == 0 ? 0.0 : millis(sumNanos / timed));
        latency.put("p50Millis", millis(Math.min(LatencyBuckets.percentile(buckets, 0.50), maxNanos)));
        latency.put("p90Millis", millis(Math.min(LatencyBuckets.percentile(buckets, 0.90), maxNanos)));
        latency.put("p99Millis", millis(Math.min(LatencyBuckets.percentile(buckets, 0.99), maxNanos)));
        latency.put("p999Millis", millis(Math.min(LatencyBuckets.percentile(buckets, 0.999), maxNanos)));
        latency.put("maxMillis", millis(maxNanos));
        json.put("latency", latency);
        json.put("exceptions", exceptions);
      }
      if (!callers.isEmpty()) {
        List<Object> paths = new ArrayList<>();
        callers.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(entry -> {
          Map<String, Object> path = new LinkedHashMap<>();
          path.put("path", entry.getKey());
          path.put("calls", entry.getValue());
          paths.add(path);
        });
        json.put("callers", paths);
      }
      return json;
    }

    private static long number(Object value) {
      return value instanceof Number n ? n.longValue() : 0;
    }

    private static double millis(long nanos) {
      return Math.round(nanos / 1_000.0) / 1_000.0;
    }
  }
}

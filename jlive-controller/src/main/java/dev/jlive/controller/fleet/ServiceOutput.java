package dev.jlive.controller.fleet;

import dev.jlive.controller.rollout.gate.WindowMetrics;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.event.FleetEvent;
import dev.jlive.protocol.event.ServiceEvent;
import dev.jlive.protocol.event.ServiceEvents;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.metrics.ProcessProbeMetrics;
import dev.jlive.protocol.metrics.ServiceMetrics;
import dev.jlive.protocol.metrics.ServiceProbeMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A probe's output for a whole service: metrics added up over the processes (latency percentiles
 * from the summed histogram buckets, never averaged percentiles) and the events of every process in
 * one stream ordered by time.
 */
public final class ServiceOutput {
  private final FleetStore store;
  private final ServiceChanges changes;

  public ServiceOutput(FleetStore store, ServiceChanges changes) {
    this.store = store;
    this.changes = changes;
  }

  public ServiceMetrics metrics(String service, String changeId) {
    changes.requireService(service);
    if (changeId != null) {
      changes.require(service, changeId);
    }
    Map<String, Map<String, Object>> live = store.processes(service);
    Map<String, List<ProbeMetrics>> byChange = new TreeMap<>();
    List<ProcessProbeMetrics> perProcess = new ArrayList<>();
    store
        .reports(service)
        .forEach(
            (process, report) -> {
              if (!live.containsKey(process)
                  || !(report.get("metrics") instanceof Map<?, ?> metrics)) {
                return;
              }
              metrics.forEach(
                  (id, entry) -> {
                    String change = String.valueOf(id);
                    if (changeId == null || changeId.equals(change)) {
                      ProbeMetrics probe = ProbeMetrics.fromWire(entry);
                      byChange.computeIfAbsent(change, key -> new ArrayList<>()).add(probe);
                      Map<String, Object> where = live.get(process);
                      perProcess.add(
                          new ProcessProbeMetrics(
                              process, host(where), pid(where), change, probe.withoutBuckets()));
                    }
                  });
            });
    List<ServiceProbeMetrics> merged = new ArrayList<>();
    byChange.forEach(
        (change, processes) -> merged.add(ServiceProbeMetrics.merge(change, processes)));
    return new ServiceMetrics(service, merged, perProcess);
  }

  /**
   * What each live process of the service last reported, by process and then change, with the
   * latency buckets kept: the dashboard's history subtracts one report from the next per process.
   */
  public Map<String, Map<String, ProbeMetrics>> reported(String service) {
    Map<String, ProcessReport> reports = new TreeMap<>(store.processReports(service));
    reports.keySet().retainAll(store.liveProcesses(service).keySet());
    return WindowMetrics.reported(reports);
  }

  /**
   * Events of every live process after {@code afterMillis}, oldest first; {@code last} is the
   * cursor for the next call.
   */
  public ServiceEvents events(String service, String changeId, long afterMillis, int limit) {
    changes.requireService(service);
    Map<String, Map<String, Object>> live = store.processes(service);
    List<ServiceEvent> all = new ArrayList<>();
    store
        .events(service)
        .forEach(
            (process, node) -> {
              if (live.containsKey(process) && node.get("events") instanceof List<?> list) {
                Map<String, Object> where = live.get(process);
                for (Object item : list) {
                  FleetEvent event = FleetEvent.fromWire(item);
                  if ((changeId == null || changeId.equals(event.change()))
                      && event.event().timeMillis() > afterMillis) {
                    all.add(new ServiceEvent(process, host(where), pid(where), event));
                  }
                }
              }
            });
    all.sort(Comparator.comparingLong(ServiceEvent::timeMillis));
    List<ServiceEvent> page =
        all.size() > limit ? all.subList(all.size() - limit, all.size()) : all;
    long last = page.isEmpty() ? afterMillis : page.get(page.size() - 1).timeMillis();
    return new ServiceEvents(page, last);
  }

  private static String host(Map<String, Object> process) {
    return process.get("host") instanceof String host ? host : null;
  }

  private static Long pid(Map<String, Object> process) {
    return process.get("pid") instanceof Number pid ? pid.longValue() : null;
  }
}

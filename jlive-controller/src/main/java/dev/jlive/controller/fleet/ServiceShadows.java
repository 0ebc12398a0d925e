package dev.jlive.controller.fleet;

import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.shadow.ServiceShadow;
import dev.jlive.protocol.shadow.ShadowReport;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shadows run on a whole service: their reports merged over the processes, and a shadow promoted to
 * a patch change of the service, which goes through the service's policy like any patch.
 */
public final class ServiceShadows {
  private final FleetStore store;
  private final ServiceChanges changes;

  public ServiceShadows(FleetStore store, ServiceChanges changes) {
    this.store = store;
    this.changes = changes;
  }

  /** The shadow's report merged over the live processes that reported it, and each one's. */
  public ServiceShadow report(String service, String id) {
    Change shadow = requireShadow(service, id);
    Map<String, ShadowReport> byProcess = reports(service, id, store.processReports(service));
    return new ServiceShadow(
        service, shadow.summary(), ShadowReport.merge(id, byProcess), byProcess);
  }

  /** Each live process's report of shadow {@code id} in {@code reports}, by process id in order. */
  private Map<String, ShadowReport> reports(
      String service, String id, Map<String, ProcessReport> reports) {
    Map<String, ShadowReport> byProcess = new TreeMap<>();
    Map<String, ?> live = store.liveProcesses(service);
    reports.forEach(
        (process, report) -> {
          Object shadow = report.shadows().get(id);
          if (shadow != null && live.containsKey(process)) {
            byProcess.put(process, ShadowReport.fromWire(shadow));
          }
        });
    return byProcess;
  }

  /**
   * Adds the shadow's candidate as a patch change of the service, authored by {@code user} and
   * under the service's policy (proposed when it asks for approvals), then drops the shadow: the
   * patch is what runs from now on, or waits for its approvals.
   */
  public FleetStore.Added promote(String service, String id, String user, long now) {
    Change shadow = requireShadow(service, id);
    if (!shadow.isActive()) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "shadow " + id + " of " + service + " is " + JsonObject.wireName(shadow.state()),
          "start a new shadow with `jlive patch --service "
              + service
              + " X.java --shadow`, or patch with `jlive patch --service "
              + service
              + " X.java`");
    }
    Map<String, Object> body =
        JsonObject.create()
            .put("kind", ChangeKind.PATCH)
            .put("spec", shadow.spec().get("patch"))
            .put("where", shadow.where())
            .toMap();
    FleetStore.Added patch = changes.add(service, body, user, now);
    changes.revert(service, id, user + " (promoted to " + patch.change().id() + ")", now);
    return patch;
  }

  private Change requireShadow(String service, String id) {
    Change change = changes.require(service, id);
    if (change.kind() != ChangeKind.SHADOW) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "change "
              + id
              + " of "
              + service
              + " is a "
              + JsonObject.wireName(change.kind())
              + ", not a shadow",
          "`jlive changes --service " + service + "` lists the changes and their kinds");
    }
    return change;
  }
}

package dev.jlive.controller.fleet;

import dev.jlive.controller.rollout.RolloutPlans;
import dev.jlive.controller.sign.ChangeSigner;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.controller.store.PolicyStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeState;
import dev.jlive.protocol.change.ChangeStatus;
import dev.jlive.protocol.change.ProcessResult;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.Labels;
import dev.jlive.protocol.fleet.LostProcess;
import dev.jlive.protocol.fleet.ProcessInfo;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.fleet.ProcessRow;
import dev.jlive.protocol.fleet.ServiceSummary;
import dev.jlive.protocol.governance.Policy;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.rollout.RolloutState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What users do to a service: list it, add a change, revert one, and see where each change stands.
 */
public final class ServiceChanges {
  private final FleetStore store;
  private final PolicyStore policies;
  private final Function<String, Instant> lastSeen;
  private final ChangeSigner signer;

  /**
   * @param lastSeen when a process last synced with this controller, or null if it talks to another
   *     one
   * @param signer signs each change as it becomes active
   */
  public ServiceChanges(
      FleetStore store,
      PolicyStore policies,
      Function<String, Instant> lastSeen,
      ChangeSigner signer) {
    this.store = store;
    this.policies = policies;
    this.lastSeen = lastSeen;
    this.signer = signer;
  }

  public List<ServiceSummary> services() {
    List<ServiceSummary> list = new ArrayList<>();
    for (String name : store.services()) {
      list.add(
          new ServiceSummary(
              name, store.liveProcesses(name).size(), store.desired(name).active().size()));
    }
    return list;
  }

  /**
   * The live processes, by id, each with the change states it reported and when it was last seen.
   */
  public List<ProcessRow> processes(String service) {
    requireService(service);
    Map<String, ProcessReport> reports = store.processReports(service);
    List<ProcessRow> list = new ArrayList<>();
    store
        .liveProcesses(service)
        .forEach(
            (id, process) -> {
              ProcessReport report = reports.get(id);
              String reportedAt = report == null ? null : report.at();
              Instant seen = lastSeen.apply(id);
              list.add(
                  new ProcessRow(
                      process,
                      report == null ? Map.of() : report.changes(),
                      reportedAt,
                      seen == null ? reportedAt : seen.toString()));
            });
    return list;
  }

  /**
   * Adds a change for every live process matching {@code where}; the same change sent twice is
   * applied once. Under a policy that asks for approvals it is only proposed: stored, sent to no
   * process until approved ({@link SignOff}).
   */
  public FleetStore.Added add(String service, Map<String, Object> body, String author, long now) {
    requireService(service);
    ChangeRequest request = ChangeRequest.read(body);
    ChangeKind kind = ChangeKind.valueOf(request.kind().toUpperCase(Locale.ROOT));
    Map<String, Object> spec = request.spec();
    Map<String, String> where = Names.labels(request.where(), "where");
    List<String> targets = new ArrayList<>();
    store
        .liveProcesses(service)
        .forEach(
            (id, process) -> {
              if (Labels.matches(where, process.labels())) {
                targets.add(id);
              }
            });
    if (targets.isEmpty()) {
      throw new JLiveException(
          ErrorCode.NO_MATCHING_PROCESS,
          "no live process of " + service + (where.isEmpty() ? "" : " has labels " + where),
          "`jlive processes " + service + "` lists the live processes and their labels");
    }
    Policy policy = policies.effective(service).policy();
    int required = policy.required(kind, spec);
    if (kind == ChangeKind.SHADOW && request.rollout() != null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a shadow is not rolled out in waves: it installs nothing, and runs on every process",
          "drop --rollout; to gate a patch's rollout on a shadow, give the patch --rollout with"
              + " --gate 'shadow.unexpected == 0'");
    }
    // A change without a plan of its own gets the service's default one, if its policy has one;
    // a shadow never does.
    RolloutPlan plan =
        request.rollout() != null
            ? request.rollout()
            : kind == ChangeKind.SHADOW ? null : policy.rollout();
    if (plan != null) {
      RolloutPlans.check(plan, kind, service, targets.size());
    }
    String at = Instant.ofEpochMilli(now).toString();
    return store.addChange(
        service,
        Change.digestOf(kind, spec, where),
        number -> {
          Change change =
              Change.proposed(
                  number,
                  service,
                  kind,
                  describe(kind, spec),
                  spec,
                  where,
                  author,
                  Instant.ofEpochMilli(now).toString(),
                  targets,
                  required);
          return required == 0 ? activate(change) : change;
        },
        plan == null ? null : change -> RolloutState.planned(service, change.id(), kind, plan, at));
  }

  /**
   * Adds a change the controller itself makes for a rollout (the metrics probe its gates read):
   * active at once, without sign-off of its own, since the rollout it serves was approved.
   */
  public Change addForRollout(
      String service,
      ChangeKind kind,
      Map<String, Object> spec,
      Map<String, String> where,
      String author,
      long now) {
    return store
        .addChange(
            service,
            Change.digestOf(kind, spec, where),
            number ->
                activate(
                    Change.proposed(
                        number,
                        service,
                        kind,
                        describe(kind, spec),
                        spec,
                        where,
                        author,
                        Instant.ofEpochMilli(now).toString(),
                        List.of(),
                        0)))
        .change();
  }

  /**
   * The one place a change becomes active, whether it needed no approval or just got its last one:
   * what is answered here is what the store makes desired and every matching process receives.
   */
  Change activate(Change change) {
    return signer.sign(change.activated());
  }

  public Change revert(String service, String id, String author, long now) {
    Change change = require(service, id);
    if (change.isProposed()) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "change " + id + " of " + service + " is proposed, not active: nothing runs to revert",
          "to withdraw it: jlive reject " + service + " " + id + " --comment WHY");
    }
    if (!change.isActive()) {
      return change;
    }
    return store.revertChange(
        service, id, current -> current.reverted(author, Instant.ofEpochMilli(now).toString()));
  }

  /** The service's changes without their specs, newest first. */
  public List<Change> history(String service) {
    requireService(service);
    List<Change> list = new ArrayList<>();
    for (Change change : store.changes(service)) {
      list.add(change.summary());
    }
    return list;
  }

  /**
   * The change and, for each process it concerns, where it stands: the processes live when it was
   * made, and those that joined later and match it.
   */
  public ChangeStatus status(String service, String id) {
    Change change = require(service, id);
    if (change.state() == ChangeState.PROPOSED || change.state() == ChangeState.REJECTED) {
      // Never sent: no process has anything of it.
      return new ChangeStatus(change.summary(), List.of());
    }
    Map<String, ProcessInfo> live = store.liveProcesses(service);
    Map<String, ProcessReport> reports = store.processReports(service);
    Map<String, LostProcess> lost = store.lostProcesses(service);
    Set<String> concerned = new LinkedHashSet<>(change.targets());
    RolloutState rollout = store.rollouts(service).get(id);
    if (rollout != null && rollout.status() != RolloutState.Status.COMPLETED) {
      // Under a staged rollout only the processes its waves reached ever got the change.
      concerned.clear();
      concerned.addAll(rollout.reached());
    } else {
      live.forEach(
          (pid, process) -> {
            if (Labels.matches(change.where(), process.labels())) {
              concerned.add(pid);
            }
          });
    }
    List<ProcessResult> results = new ArrayList<>();
    for (String pid : concerned) {
      ProcessInfo process = live.get(pid);
      if (process == null) {
        LostProcess gone = lost.get(pid);
        if (gone != null) {
          results.add(
              new ProcessResult(
                  pid,
                  gone.process().host(),
                  gone.process().pid(),
                  ProcessState.UNREACHABLE,
                  "stopped syncing (since "
                      + gone.lostAt()
                      + "); it gets the desired changes when it is back",
                  null));
        }
        // else it left the service cleanly (stopped or restarted): nothing of it is left to change
        continue;
      }
      ProcessReport report = reports.get(pid);
      ChangeReport reported = report == null ? null : report.changes().get(id);
      if (reported == null) {
        // No word from it yet (a process that just registered has sent no report) is not
        // "reverted".
        ProcessState state =
            change.isActive() || report == null ? ProcessState.PENDING : ProcessState.REVERTED;
        results.add(new ProcessResult(pid, process.host(), process.pid(), state, null, null));
      } else {
        // Once the change is reverted, a process where it had failed has nothing of it left.
        ProcessState state =
            !change.isActive() && reported.state() == ProcessState.FAILED
                ? ProcessState.REVERTED
                : reported.state();
        results.add(
            new ProcessResult(
                pid, process.host(), process.pid(), state, reported.message(), reported.localId()));
      }
    }
    return new ChangeStatus(change.summary(), results);
  }

  void requireService(String service) {
    Names.service(service);
    if (!store.serviceExists(service)) {
      List<String> known = store.services();
      throw new JLiveException(
          ErrorCode.UNKNOWN_SERVICE,
          "no service " + service + " (no process ever registered with it)",
          known.isEmpty()
              ? "start JVMs with -javaagent:jlive-agent.jar=controller=URL,service=" + service
              : "known services: " + String.join(", ", known));
    }
  }

  /**
   * A patch's sources as the dashboard's patch view shows them, at any state: the diff against what
   * ran before it (the newest active patch, made earlier, of each class it changes: see {@link
   * ApprovalDiff}) and its spec, whose sources name the methods it replaces. Null for a probe. The
   * caller has checked that the user may read the change.
   */
  public PatchSources patchSources(String service, String id) {
    Change change = require(service, id);
    // A shadow shows its candidate, as its approvers read it.
    if (change.kind() == ChangeKind.PROBE || change.spec() == null) {
      return null;
    }
    List<Change> earlier = new ArrayList<>();
    for (Change other : store.changes(service)) {
      if (other.isActive() && other.number() < change.number()) {
        earlier.add(other);
      }
    }
    earlier.sort(Comparator.comparingLong(Change::number));
    return new PatchSources(ApprovalDiff.of(change, earlier), change.spec());
  }

  /** See {@link #patchSources}. */
  public record PatchSources(String diff, Map<String, Object> spec) {}

  Change require(String service, String id) {
    requireService(service);
    Change change = store.change(service, id);
    if (change == null) {
      throw new JLiveException(
          ErrorCode.UNKNOWN_CHANGE,
          "service " + service + " has no change " + id,
          "`jlive changes --service " + service + "` lists its changes");
    }
    return change;
  }

  private static String describe(ChangeKind kind, Map<?, ?> spec) {
    if (kind == ChangeKind.PROBE) {
      Object probeKind = spec.get("kind") == null ? "metrics" : spec.get("kind");
      return probeKind + " probe on " + spec.get("selector");
    }
    if (kind == ChangeKind.SHADOW) {
      Map<?, ?> patch = spec.get("patch") instanceof Map<?, ?> candidate ? candidate : Map.of();
      return "shadow of "
          + describe(ChangeKind.PATCH, patch)
          + (spec.get("expect") == null ? "" : ", expect " + spec.get("expect"));
    }
    List<String> parts = new ArrayList<>();
    if (spec.get("method") != null) {
      parts.add(String.valueOf(spec.get("method")));
    }
    for (String key : List.of("sources", "classFiles")) {
      if (spec.get(key) instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof Map<?, ?> file) {
            parts.add(
                String.valueOf(
                    file.get(
                        file.containsKey("name")
                            ? "name"
                            : file.containsKey("path") ? "path" : "className")));
          }
        }
      }
    }
    return "patch " + String.join(", ", parts);
  }
}

package dev.jlive.controller.rollout;

import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.Labels;
import dev.jlive.protocol.fleet.ProcessInfo;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.rollout.RolloutDecision;
import dev.jlive.protocol.rollout.RolloutList;
import dev.jlive.protocol.rollout.RolloutState;
import dev.jlive.protocol.rollout.RolloutState.Status;
import dev.jlive.protocol.rollout.RolloutStatus;
import dev.jlive.protocol.rollout.RolloutWave;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What users do to rollouts: list them, read one, and pause, resume, promote or abort it. Each is a
 * version-checked write of the rollout's node, so it interleaves with the driver's steps without
 * losing either.
 */
public final class Rollouts {
  /** The actions of {@code POST /v1/services/{s}/rollouts/{id}/{action}}. */
  public static final Set<String> ACTIONS = Set.of("pause", "resume", "promote", "abort");

  private final FleetStore store;
  private final ServiceChanges changes;

  public Rollouts(FleetStore store, ServiceChanges changes) {
    this.store = store;
    this.changes = changes;
  }

  /** The rollouts of the given services, newest first. */
  public RolloutList list(List<String> services) {
    List<RolloutState> all = new ArrayList<>();
    for (String service : services) {
      all.addAll(store.rollouts(service).values());
    }
    all.sort(
        Comparator.comparing(
                (RolloutState rollout) -> rollout.createdAt() == null ? "" : rollout.createdAt())
            .reversed());
    return new RolloutList(all);
  }

  public RolloutStatus status(String service, String id) {
    String connection = store.connectionState();
    boolean connected = connection.equals("connected");
    // With ZooKeeper out of reach the mirror still holds the last known state: shown as such, with
    // what the rollout waits for, rather than an error or figures that pass for current.
    RolloutState rollout =
        connected ? require(service, id).state() : store.rollouts(service).get(id);
    if (rollout == null) {
      require(service, id);
    }
    Map<String, ProcessInfo> live = store.liveProcesses(service);
    Map<String, ProcessReport> reports = store.processReports(service);
    Set<String> lost = store.lostProcesses(service).keySet();
    List<Map<String, Long>> waveStates = new ArrayList<>();
    for (RolloutWave wave : rollout.waves()) {
      Map<String, Long> counts = new TreeMap<>();
      for (String pid : wave.processes()) {
        ProcessState state;
        if (!live.containsKey(pid)) {
          if (!lost.contains(pid)) {
            continue; // it left the service: nothing of it is left to change
          }
          state = ProcessState.UNREACHABLE;
        } else {
          ProcessReport report = reports.get(pid);
          ChangeReport reported = report == null ? null : report.changes().get(id);
          state = reported == null ? ProcessState.PENDING : reported.state();
          if (reported == null && rollout.status() == Status.ROLLED_BACK
              || reported == null && rollout.status() == Status.ABORTED) {
            state = ProcessState.REVERTED;
          }
        }
        counts.merge(JsonObject.wireName(state), 1L, Long::sum);
      }
      waveStates.add(counts);
    }
    Set<String> reached = rollout.reached();
    Change change = store.change(service, id);
    int control = 0;
    for (Map.Entry<String, ProcessInfo> process : live.entrySet()) {
      if (!reached.contains(process.getKey())
          && (change == null || Labels.matches(change.where(), process.getValue().labels()))) {
        control++;
      }
    }
    String waitingFor =
        connected || rollout.status().isFinished()
            ? null
            : "ZooKeeper (connection "
                + connection
                + "): nothing is decided until it answers; the figures are the last known";
    return new RolloutStatus(rollout, waveStates, control, waitingFor);
  }

  /** Runs a user's action and answers the rollout's status after it. */
  public RolloutStatus act(String service, String id, String action, String user, long now) {
    String at = Instant.ofEpochMilli(now).toString();
    switch (action) {
      case "pause" ->
          update(
              service,
              id,
              rollout -> {
                requireUnfinished(rollout, "paused");
                if (rollout.status() == Status.PAUSED) {
                  return rollout;
                }
                return rollout
                    .with(Status.PAUSED, rollout.step())
                    .decided(decision(rollout, at, "paused", user, "no wave moves until resumed"));
              },
              null);
      case "resume" ->
          update(
              service,
              id,
              rollout -> {
                requireUnfinished(rollout, "resumed");
                if (rollout.status() != Status.PAUSED) {
                  return rollout;
                }
                boolean started =
                    rollout.history().stream().anyMatch(d -> d.decision().equals("started"));
                return rollout
                    .with(started ? Status.RUNNING : Status.PENDING, rollout.step())
                    .decided(decision(rollout, at, "resumed", user, "the current wave bakes anew"));
              },
              null);
      case "promote" ->
          update(
              service,
              id,
              rollout -> {
                requireUnfinished(rollout, "promoted");
                return rollout
                    .promoted(user)
                    .decided(
                        decision(
                            rollout,
                            at,
                            "promote asked",
                            user,
                            "the current wave's bake is cut short; its gates are still judged"));
              },
              null);
      case "abort" -> abort(service, id, user, at, now);
      default ->
          throw new JLiveException(
              ErrorCode.UNKNOWN_ENDPOINT,
              "no rollout action '" + action + "'",
              "pause, resume, promote or abort");
    }
    return status(service, id);
  }

  private void abort(String service, String id, String user, String at, long now) {
    RolloutState ended =
        update(
            service,
            id,
            rollout -> {
              requireUnfinished(rollout, "aborted");
              return rollout
                  .ended(Status.ABORTED, at)
                  .decided(
                      decision(
                          rollout, at, "aborted", user, "reverted on every process it reached"));
            },
            (active, only) -> {
              active.remove(id);
              only.remove(id);
            });
    if (ended.autoProbe() != null) {
      changes.revert(service, ended.autoProbe(), "rollout of " + id, now);
    }
  }

  private static RolloutDecision decision(
      RolloutState rollout, String at, String decision, String user, String detail) {
    return new RolloutDecision(at, rollout.waves().size(), decision, user, detail, null);
  }

  /** Writes the edited rollout, version-checked, reading again on a race; answers what it wrote. */
  private RolloutState update(
      String service,
      String id,
      UnaryOperator<RolloutState> edit,
      FleetStore.DesiredEdit desiredEdit) {
    for (int attempt = 0; attempt < 20; attempt++) {
      FleetStore.Versioned read = require(service, id);
      RolloutState next = edit.apply(read.state());
      if (next == read.state()) {
        return next;
      }
      boolean abort = next.status() == Status.ABORTED;
      if (store.stepRollout(
          service,
          id,
          read.version(),
          next,
          desiredEdit,
          abort
              ? change ->
                  change.isActive()
                      ? change.reverted(
                          next.history().get(next.history().size() - 1).by(), next.endedAt())
                      : change
              : null)) {
        return next;
      }
    }
    throw new JLiveException(
        ErrorCode.CONFLICT, "the rollout kept changing while it was updated", "try again");
  }

  private static void requireUnfinished(RolloutState rollout, String verb) {
    if (rollout.status().isFinished()) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "rollout "
              + rollout.change()
              + " is "
              + JsonObject.wireName(rollout.status()).replace('_', ' ')
              + ": it cannot be "
              + verb,
          "`jlive rollout status "
              + rollout.change()
              + " --service "
              + rollout.service()
              + "` shows how it ended");
    }
  }

  private FleetStore.Versioned require(String service, String id) {
    FleetStore.Versioned read = store.rollout(service, id);
    if (read == null) {
      throw new JLiveException(
          ErrorCode.UNKNOWN_CHANGE,
          "service " + service + " has no rollout " + id,
          "`jlive rollout list --service " + service + "` lists its rollouts");
    }
    return read;
  }
}

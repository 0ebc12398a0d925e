package dev.jlive.controller.rollout;

import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeState;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.Labels;
import dev.jlive.protocol.fleet.ProcessInfo;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.rollout.RolloutDecision;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.rollout.RolloutState;
import dev.jlive.protocol.rollout.RolloutState.Status;
import dev.jlive.protocol.rollout.RolloutState.Step;
import dev.jlive.protocol.rollout.RolloutWave;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.recipes.leader.LeaderLatch;

/**
 * Drives the staged rollouts of every service, one step at a time, from their state in ZooKeeper.
 * Every controller runs one; for each rollout a Curator {@link LeaderLatch} elects the one that
 * drives it, and every step is a version-checked write of the rollout's node (with the desired
 * state and the change in the same transaction), so two controllers never both take a step, and a
 * controller that takes over carries on from the last step written: no wave reached twice, no gate
 * skipped. While ZooKeeper is out of reach nothing is decided: the rollout pauses.
 *
 * <p>A wave: reach its processes (they are added to the change's "only" list in the desired state,
 * which wakes their polls); wait until each reports applied (one that reports failed fails the
 * wave); bake; judge the gates on the window since the bake started, canary (the reached processes)
 * against control (the matching ones not reached). Pass: the next wave. Waiting: bake on and judge
 * again. Fail: the change is reverted everywhere it went and the rollout ends rolled back, with the
 * verdict that decided it.
 */
public final class RolloutDriver implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");
  static final String LATCHES = "/jlive/rollout-drivers";

  /** How often a waiting gate is judged again: its figures show in the status as they evolve. */
  private static final long REJUDGE_MILLIS = 1_000;

  private final FleetStore store;
  private final ServiceChanges changes;
  private final Judgement.Judge judge;
  private final RolloutShadows shadows;
  private final String controllerId;
  private final Supplier<Long> clock;
  private final Map<String, LeaderLatch> latches = new ConcurrentHashMap<>();
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "jlive-rollout-driver");
            thread.setDaemon(true);
            return thread;
          });

  public RolloutDriver(
      FleetStore store, ServiceChanges changes, Judgement.Judge judge, String controllerId) {
    this.store = store;
    this.changes = changes;
    this.judge = judge;
    this.shadows = new RolloutShadows(store, changes);
    this.controllerId = controllerId;
    this.clock = System::currentTimeMillis;
  }

  /** A driver judging with the gates of {@code dev.jlive.controller.rollout.gate}. */
  public static RolloutDriver withGates(
      FleetStore store, ServiceChanges changes, String controllerId) {
    return new RolloutDriver(store, changes, new GateJudge(), controllerId);
  }

  public RolloutDriver start(Duration every) {
    ticker.scheduleWithFixedDelay(
        this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One pass over every unfinished rollout; never throws (it runs on the ticker). */
  void tick() {
    try {
      if (!store.connectionState().equals("connected")) {
        return; // paused until ZooKeeper answers again: nothing is decided on a stale mirror
      }
      Set<String> seen = new LinkedHashSet<>();
      for (String service : store.services()) {
        for (RolloutState rollout : store.rollouts(service).values()) {
          if (rollout.status().isFinished()) {
            continue;
          }
          String key = service + "/" + rollout.change();
          seen.add(key);
          if (leads(key)) {
            stepSafely(service, rollout.change(), key);
          }
        }
      }
      for (String key : new ArrayList<>(latches.keySet())) {
        if (!seen.contains(key)) {
          release(key);
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.WARNING, "rollout driver pass failed: {0}", e.toString());
    }
  }

  private void stepSafely(String service, String id, String key) {
    try {
      step(service, id, key);
    } catch (JLiveException e) {
      // ZooKeeper went away or a write raced: the next pass reads the state again.
      LOG.log(System.Logger.Level.INFO, "rollout {0}: step not taken: {1}", key, e.getMessage());
    }
  }

  private boolean leads(String key) {
    LeaderLatch latch =
        latches.computeIfAbsent(
            key,
            k -> {
              LeaderLatch made = new LeaderLatch(store.client(), LATCHES + "/" + k, controllerId);
              try {
                made.start();
              } catch (Exception e) {
                throw new IllegalStateException("cannot join the election for rollout " + k, e);
              }
              return made;
            });
    return latch.hasLeadership();
  }

  private void release(String key) {
    LeaderLatch latch = latches.remove(key);
    windows.remove(key);
    if (latch != null) {
      try {
        latch.close();
      } catch (Exception | Error e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the latch of {0}: {1}", key, e.toString());
      }
    }
  }

  private void step(String service, String id, String key) {
    FleetStore.Versioned read = store.rollout(service, id);
    if (read == null || read.state().status().isFinished()) {
      return;
    }
    RolloutState rollout = read.state();
    int version = read.version();
    Change change = store.change(service, id);
    String now = now();
    if (!controllerId.equals(rollout.driver())) {
      takeOver(service, id, key, rollout, version, now);
      return;
    }
    if (change == null) {
      return;
    }
    switch (rollout.status()) {
      case PENDING -> begin(service, id, rollout, version, change, now);
      case RUNNING -> run(service, id, key, rollout, version, change, now);
      default -> {
        // paused: nothing to do until a user resumes it
      }
    }
  }

  /**
   * This controller drives from now on. A bake under way restarts with a new window, since the
   * figures at the old window's start were the other controller's: a gate is judged late, never
   * skipped.
   */
  private void takeOver(
      String service, String id, String key, RolloutState rollout, int version, String now) {
    RolloutState next = rollout.drivenBy(controllerId);
    if (rollout.driver() != null) {
      next =
          next.decided(
              new RolloutDecision(
                  now,
                  rollout.waves().size(),
                  "took over",
                  controllerId,
                  "from "
                      + rollout.driver()
                      + (rollout.step() == Step.BAKING ? "; bake restarts" : ""),
                  null));
    }
    if (rollout.step() == Step.BAKING) {
      next = next.baking(now);
    }
    if (store.stepRollout(service, id, version, next, null, null)) {
      windows.remove(key);
      LOG.log(System.Logger.Level.INFO, "rollout {0}: driven by {1}", key, controllerId);
    }
  }

  private void begin(
      String service, String id, RolloutState rollout, int version, Change change, String now) {
    if (change.state() == ChangeState.PROPOSED) {
      return; // waits for approval
    }
    if (!change.isActive()) {
      end(
          service,
          id,
          rollout,
          version,
          Status.ABORTED,
          "aborted",
          "the change was " + change.state().name().toLowerCase(Locale.ROOT) + " before it started",
          null,
          now);
      return;
    }
    String probe = null;
    Map<String, Object> probeSpec =
        change.kind() == ChangeKind.PATCH ? GateJudge.autoProbeSpec(change) : null;
    if (probeSpec != null) {
      // Same spec, same digest: a controller that takes over finds the probe, never adds a second.
      probe =
          changes
              .addForRollout(
                  service,
                  ChangeKind.PROBE,
                  probeSpec,
                  change.where(),
                  "rollout of " + id,
                  clock.get())
              .id();
    }
    String shadow = shadows.start(service, id, rollout.plan(), change, clock.get());
    RolloutState next =
        rollout
            .with(Status.RUNNING, Step.PASSED)
            .withAutoProbe(probe)
            .decided(
                new RolloutDecision(
                    now,
                    0,
                    "started",
                    controllerId,
                    planText(rollout.plan())
                        + (probe == null ? "" : "; metrics probe " + probe)
                        + (shadow == null ? "" : "; shadow " + shadow + " before the first wave"),
                    null));
    if (shadow != null) {
      // Before any wave: the shadow bakes, and its gates are judged (bake, with no wave yet).
      next = next.baking(now);
    }
    if (!store.stepRollout(service, id, version, next, null, null) && probe != null) {
      // A user paused or aborted it meanwhile: an aborted rollout must not leave its probe behind.
      FleetStore.Versioned after = store.rollout(service, id);
      if (after == null || after.state().status().isFinished()) {
        removeProbe(service, next, now);
      }
    }
  }

  private void run(
      String service,
      String id,
      String key,
      RolloutState rollout,
      int version,
      Change change,
      String now) {
    if (!change.isActive()) {
      end(
          service,
          id,
          rollout,
          version,
          Status.ABORTED,
          "aborted",
          "the change was reverted"
              + (change.revertedBy() == null ? "" : " by " + change.revertedBy()),
          null,
          now);
      return;
    }
    Step step = rollout.step() == null ? Step.PASSED : rollout.step();
    switch (step) {
      case PASSED -> reachNext(service, id, rollout, version, change, now);
      case APPLYING -> checkApplied(service, id, key, rollout, version, now);
      case BAKING -> bake(service, id, key, rollout, version, change, now);
    }
  }

  /** The live processes the change matches, by id in order. */
  private Map<String, ProcessInfo> matching(String service, Change change) {
    Map<String, ProcessInfo> matching = new TreeMap<>();
    store
        .liveProcesses(service)
        .forEach(
            (pid, process) -> {
              if (Labels.matches(change.where(), process.labels())) {
                matching.put(pid, process);
              }
            });
    return matching;
  }

  private void reachNext(
      String service, String id, RolloutState rollout, int version, Change change, String now) {
    RolloutPlan plan = rollout.plan();
    Set<String> reached = rollout.reached();
    Map<String, ProcessInfo> live = matching(service, change);
    List<String> candidates = new ArrayList<>();
    live.keySet()
        .forEach(
            pid -> {
              if (!reached.contains(pid)) {
                candidates.add(pid);
              }
            });
    int number = rollout.waves().size() + 1;
    List<String> picked = new ArrayList<>();
    String value = null;
    boolean last;
    if (plan.waveBy() != null) {
      TreeSet<String> values = new TreeSet<>();
      live.values().forEach(process -> values.add(labelValue(process, plan.waveBy())));
      rollout.waves().forEach(wave -> values.remove(wave.value()));
      if (values.isEmpty()) {
        complete(service, id, rollout, version, now);
        return;
      }
      value = values.first();
      for (String pid : candidates) {
        if (value.equals(labelValue(live.get(pid), plan.waveBy()))) {
          picked.add(pid);
        }
      }
      last = values.size() == 1;
    } else {
      if (number > plan.waves().size()) {
        complete(service, id, rollout, version, now);
        return;
      }
      last = number == plan.waves().size();
      int total =
          live.size() + (int) reached.stream().filter(pid -> !live.containsKey(pid)).count();
      int wanted =
          last ? candidates.size() : Math.max(0, plan.cumulative(number, total) - reached.size());
      picked.addAll(candidates.subList(0, Math.min(wanted, candidates.size())));
    }
    String wave = waveName(plan, number, value);
    RolloutState next = rollout.withWave(new RolloutWave(number, value, picked, now));
    if (picked.isEmpty()) {
      // Nothing to add (a share that rounds to what is reached already): nothing to judge either.
      next =
          next.with(Status.RUNNING, Step.PASSED)
              .decided(
                  new RolloutDecision(
                      now, number, "skipped", controllerId, wave + ": no process to add", null));
      store.stepRollout(service, id, version, next, null, null);
      return;
    }
    next =
        next.decided(
            new RolloutDecision(
                now,
                number,
                "reached",
                controllerId,
                wave
                    + ": "
                    + picked.size()
                    + " process(es) "
                    + String.join(", ", shortList(picked)),
                null));
    store.stepRollout(
        service,
        id,
        version,
        next,
        (active, only) -> {
          List<String> processes = new ArrayList<>(only.getOrDefault(id, List.of()));
          picked.forEach(
              pid -> {
                if (!processes.contains(pid)) {
                  processes.add(pid);
                }
              });
          only.put(id, processes);
        },
        null);
  }

  private static String labelValue(ProcessInfo process, String label) {
    String value = process.labels().get(label);
    return value == null ? "~no " + label : value;
  }

  private static String waveName(RolloutPlan plan, int number, String value) {
    if (value != null) {
      return "wave " + number + " (" + plan.waveBy() + "=" + value + ")";
    }
    return "wave " + number + " (" + plan.waves().get(number - 1) + ")";
  }

  private static List<String> shortList(List<String> ids) {
    return ids.size() <= 5 ? ids : List.of(String.join(", ", ids.subList(0, 5)), "...");
  }

  private void checkApplied(
      String service, String id, String key, RolloutState rollout, int version, String now) {
    RolloutWave wave = rollout.waves().get(rollout.waves().size() - 1);
    Map<String, ProcessInfo> live = store.liveProcesses(service);
    Map<String, ProcessReport> reports = store.processReports(service);
    for (String pid : wave.processes()) {
      if (!live.containsKey(pid)) {
        continue; // it left; a process that is gone has nothing of the change
      }
      ProcessReport report = reports.get(pid);
      ChangeReport state = report == null ? null : report.changes().get(id);
      if (state == null || state.state() == ProcessState.WAITING) {
        return;
      }
      if (state.state() == ProcessState.FAILED) {
        rollBack(
            service,
            id,
            rollout,
            version,
            "process " + pid + " failed to apply it: " + state.message(),
            null,
            now);
        return;
      }
    }
    if (store.stepRollout(service, id, version, rollout.baking(now), null, null)) {
      windows.put(key, new Window(clock.get(), metrics(service)));
    }
  }

  private void bake(
      String service,
      String id,
      String key,
      RolloutState rollout,
      int version,
      Change change,
      String now) {
    long at = clock.get();
    Window window = windows.get(key);
    if (window == null) {
      // Resumed, or this controller restarted: the window starts now.
      window = new Window(at, metrics(service));
      windows.put(key, window);
    }
    boolean promoted = rollout.promotedBy() != null;
    if (!promoted && at < window.startMillis + rollout.plan().bakeMillis()) {
      return;
    }
    if (!promoted && at - window.judgedMillis < REJUDGE_MILLIS) {
      return;
    }
    window.judgedMillis = at;
    Set<String> reached = rollout.reached();
    Set<String> canary = new TreeSet<>();
    Set<String> control = new TreeSet<>();
    matching(service, change)
        .keySet()
        .forEach(pid -> (reached.contains(pid) ? canary : control).add(pid));
    // No wave yet: the shadow before the first wave is baking, and its gates decide.
    Judgement judgement =
        rollout.waves().isEmpty()
            ? shadows.judge(service, id, rollout.plan(), change)
            : judge.judge(
                new Judgement.JudgedRollout(
                    rollout.plan().gates(), rollout.plan().minCalls(), rollout.autoProbe()),
                window.start,
                metrics(service),
                canary,
                control);
    int number = rollout.waves().size();
    switch (judgement.outcome()) {
      case FAIL ->
          rollBack(service, id, rollout, version, judgement.summary(), judgement.verdict(), now);
      case WAITING -> {
        if (promoted) {
          pass(service, id, rollout, version, judgement, "promoted", now);
        } else if (!Objects.equals(rollout.verdict(), judgement.verdict())) {
          store.stepRollout(
              service, id, version, rollout.withVerdict(judgement.verdict()), null, null);
        }
      }
      case PASS ->
          pass(service, id, rollout, version, judgement, promoted ? "promoted" : "passed", now);
    }
    LOG.log(
        System.Logger.Level.DEBUG,
        "rollout {0} wave {1}: {2}",
        key,
        Integer.toString(number),
        judgement.summary());
  }

  private void pass(
      String service,
      String id,
      RolloutState rollout,
      int version,
      Judgement judgement,
      String decision,
      String now) {
    int number = rollout.waves().size();
    String detail =
        judgement.summary()
            + (decision.equals("promoted")
                ? " (bake cut short by " + rollout.promotedBy() + ")"
                : "");
    RolloutState next =
        rollout
            .withVerdict(judgement.verdict())
            .with(Status.RUNNING, Step.PASSED)
            .decided(
                new RolloutDecision(
                    now,
                    number,
                    // No wave yet: it was the shadow before the first wave that passed.
                    number == 0 ? "shadow " + decision : decision,
                    controllerId,
                    detail,
                    judgement.verdict()));
    if (store.stepRollout(service, id, version, next, null, null) && number == 0) {
      shadows.drop(service, id, clock.get());
    }
  }

  /** Every wave passed: the change becomes an ordinary active change, late joiners get it too. */
  private void complete(String service, String id, RolloutState rollout, int version, String now) {
    RolloutState next =
        rollout
            .ended(Status.COMPLETED, now)
            .decided(
                new RolloutDecision(
                    now,
                    0,
                    "completed",
                    controllerId,
                    "every wave passed; the change is active everywhere",
                    null));
    if (store.stepRollout(service, id, version, next, (active, only) -> only.remove(id), null)) {
      removeProbe(service, rollout, now);
    }
  }

  private void rollBack(
      String service,
      String id,
      RolloutState rollout,
      int version,
      String why,
      Map<String, Object> verdict,
      String now) {
    end(service, id, rollout, version, Status.ROLLED_BACK, "failed", why, verdict, now);
  }

  /**
   * Ends the rollout: for a rollback or an abort, the change leaves the desired state (reverted
   * wherever it went) in the same transaction.
   */
  void end(
      String service,
      String id,
      RolloutState rollout,
      int version,
      Status status,
      String decision,
      String why,
      Map<String, Object> verdict,
      String now) {
    RolloutState next =
        rollout
            .withVerdict(verdict == null ? rollout.verdict() : verdict)
            .ended(status, now)
            .decided(
                new RolloutDecision(
                    now, rollout.waves().size(), decision, controllerId, why, verdict));
    boolean stillActive = store.change(service, id) != null && store.change(service, id).isActive();
    boolean written =
        store.stepRollout(
            service,
            id,
            version,
            next,
            (active, only) -> {
              active.remove(id);
              only.remove(id);
            },
            stillActive
                ? change -> change.isActive() ? change.reverted("rollout", now) : change
                : null);
    if (written) {
      removeProbe(service, rollout, now);
      shadows.drop(service, id, clock.get());
    }
  }

  private void removeProbe(String service, RolloutState rollout, String now) {
    if (rollout.autoProbe() != null) {
      try {
        changes.revert(service, rollout.autoProbe(), "rollout of " + rollout.change(), clock.get());
      } catch (JLiveException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "rollout {0} of {1}: its metrics probe {2} was not removed: {3}",
            rollout.change(),
            service,
            rollout.autoProbe(),
            e.getMessage());
      }
    }
  }

  /** The processes' last reports: their cumulative probe metrics. */
  private Map<String, ProcessReport> metrics(String service) {
    return store.processReports(service);
  }

  static String planText(RolloutPlan plan) {
    String waves =
        plan.waveBy() != null
            ? "one " + plan.waveBy() + " at a time"
            : String.join(", ", plan.waves());
    return "waves "
        + waves
        + ", bake "
        + Duration.ofMillis(plan.bakeMillis()).toString().substring(2).toLowerCase(Locale.ROOT)
        + (plan.gates().isEmpty() ? "" : ", gates " + String.join("; ", plan.gates()));
  }

  private String now() {
    return Instant.ofEpochMilli(clock.get()).toString();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    new ArrayList<>(latches.keySet()).forEach(this::release);
  }

  /** A bake's window: when it opened and the metrics then; kept by the driving controller. */
  private static final class Window {
    final long startMillis;
    final Map<String, ProcessReport> start;
    long judgedMillis;

    Window(long startMillis, Map<String, ProcessReport> start) {
      this.startMillis = startMillis;
      this.start = start;
    }
  }
}

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
import java.time.format.DateTimeParseException;
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
 * wave, and so does one that has not reported applied when the plan's wave timeout runs out); bake,
 * every canary still running the change as when the window opened (else the wave fails or, for a
 * re-registered canary, the bake restarts); judge the gates on the window since the bake started,
 * canary (the reached processes) against control (the matching ones not reached). Pass: the next
 * wave. Waiting: bake on and judge again. Fail: the change is reverted everywhere it went and the
 * rollout ends rolled back, with the verdict that decided it.
 */
public final class RolloutDriver implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");
  static final String LATCHES = "/jlive/rollout-drivers";

  /** How often a waiting gate is judged again: its figures show in the status as they evolve. */
  private static final long REJUDGE_MILLIS = 1_000;

  /**
   * Agent heartbeats a wave waits beyond a patch's safe-point wait by default: an agent reports
   * within a heartbeat of applying (at once when the desired state wakes its poll), so three cover
   * a missed sync and a slow controller.
   */
  private static final int DEFAULT_WAVE_TIMEOUT_HEARTBEATS = 3;

  /**
   * Time a process may take to get ready to apply, by default: a patch is compiled in each process
   * before its safe-point wait starts, which took over 8 s in the fleet tour on a loaded 2-core
   * machine (a first default of the safe-point wait plus three heartbeats timed the fix's canary
   * out).
   */
  private static final long DEFAULT_PREPARE_MILLIS = 120_000;

  /** A probe's, or a patch's whose spec names none: the agents' default safe-point wait. */
  private static final long DEFAULT_SAFEPOINT_WAIT_MILLIS = 5_000;

  private final FleetStore store;
  private final ServiceChanges changes;
  private final Judgement.Judge judge;
  private final RolloutShadows shadows;
  private final String controllerId;
  private final Supplier<Long> clock;
  private final long heartbeatMillis;

  /**
   * Since when this driver has seen ZooKeeper connected without a break: a wave's time limit counts
   * from then at the earliest, since its processes could not report while the store was away.
   */
  private volatile long connectedSinceMillis;

  private boolean wasConnected;
  private final Map<String, LeaderLatch> latches = new ConcurrentHashMap<>();
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "jlive-rollout-driver");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param heartbeat how often agents sync: a wave's default time limit allows a few
   */
  public RolloutDriver(
      FleetStore store,
      ServiceChanges changes,
      Judgement.Judge judge,
      String controllerId,
      Duration heartbeat) {
    this.store = store;
    this.changes = changes;
    this.judge = judge;
    this.shadows = new RolloutShadows(store, changes);
    this.controllerId = controllerId;
    this.clock = System::currentTimeMillis;
    this.heartbeatMillis = heartbeat.toMillis();
    this.connectedSinceMillis = clock.get();
  }

  /** A driver judging with the gates of {@code dev.jlive.controller.rollout.gate}. */
  public static RolloutDriver withGates(
      FleetStore store, ServiceChanges changes, String controllerId, Duration heartbeat) {
    return new RolloutDriver(store, changes, new GateJudge(), controllerId, heartbeat);
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
        // Paused until ZooKeeper answers again: nothing is decided on a stale mirror. The bakes'
        // windows go: the processes' reports could not be stored meanwhile, so each wave's window
        // starts afresh once the connection is back (a gate is judged late, never on a gap).
        wasConnected = false;
        windows.clear();
        return;
      }
      if (!wasConnected) {
        wasConnected = true;
        connectedSinceMillis = clock.get();
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
      case APPLYING -> checkApplied(service, id, key, rollout, version, change, now);
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
      String service,
      String id,
      String key,
      RolloutState rollout,
      int version,
      Change change,
      String now) {
    RolloutWave wave = rollout.waves().get(rollout.waves().size() - 1);
    Map<String, ProcessInfo> live = store.liveProcesses(service);
    Map<String, ProcessReport> reports = store.processReports(service);
    Map<String, ProcessInfo> lost = new TreeMap<>();
    store.lostProcesses(service).forEach((pid, gone) -> lost.put(pid, gone.process()));
    if (recordLeavers(service, id, rollout, version, lost, live, now)) {
      return;
    }
    List<String> unreported = new ArrayList<>();
    if (wave.processes().stream().noneMatch(live::containsKey)) {
      unreported.add("no process of the wave is left");
    }
    for (String pid : wave.processes()) {
      if (!live.containsKey(pid)) {
        continue; // it left (recorded as such): the wave is judged on the processes that remain
      }
      ProcessReport report = reports.get(pid);
      ChangeReport state = report == null ? null : report.changes().get(id);
      if (state != null && state.state() == ProcessState.FAILED) {
        rollBack(
            service,
            id,
            rollout,
            version,
            "process " + describe(live.get(pid)) + " failed to apply it: " + state.message(),
            null,
            now);
        return;
      }
      if (state == null || state.state() == ProcessState.WAITING) {
        unreported.add(
            describe(live.get(pid))
                + (state == null ? " reported nothing of it" : " last reported waiting"));
      }
    }
    if (!unreported.isEmpty()) {
      long limit = waveTimeoutMillis(rollout.plan(), change);
      if (outOfTime(millis(wave.reachedAt()), limit)) {
        rollBack(
            service,
            id,
            rollout,
            version,
            waveName(rollout.plan(), wave.number(), wave.value())
                + " timed out after "
                + seconds(limit)
                + ": "
                + unreported.size()
                + " process(es) did not report it applied: "
                + String.join("; ", unreported),
            null,
            now);
      }
      return;
    }
    if (store.stepRollout(service, id, version, rollout.baking(now), null, null)) {
      windows.put(key, openWindow(service, id, rollout));
    }
  }

  /**
   * A bake's window from now: the processes' metrics, and which instance of each canary runs which
   * application of the change (its registration and the agent's local id for the change).
   */
  private Window openWindow(String service, String id, RolloutState rollout) {
    Map<String, ProcessInfo> live = store.liveProcesses(service);
    Map<String, ProcessReport> reports = metrics(service);
    Map<String, Canary> canaries = new TreeMap<>();
    for (String pid : rollout.reached()) {
      ProcessInfo process = live.get(pid);
      if (process != null) {
        ChangeReport state = changeReport(reports, pid, id);
        canaries.put(pid, new Canary(process, state == null ? null : state.localId()));
      }
    }
    return new Window(clock.get(), reports, canaries);
  }

  private static ChangeReport changeReport(
      Map<String, ProcessReport> reports, String pid, String id) {
    ProcessReport report = reports.get(pid);
    return report == null ? null : report.changes().get(id);
  }

  /**
   * Whether each canary still runs the change as it did when the window opened: a window is judged
   * only if every canary ran the change all through it. One that now reports it anything but
   * applied (reverted by hand, failed, no longer live) fails the wave; one that re-registered or
   * applied it anew (another local id) ran it for part of the window only, so the window restarts.
   * Null when all is well.
   */
  static Recheck recheck(
      String id,
      Map<String, Canary> canaries,
      Map<String, ProcessInfo> live,
      Map<String, ProcessReport> reports) {
    for (Map.Entry<String, Canary> entry : canaries.entrySet()) {
      ProcessInfo now = live.get(entry.getKey());
      if (now == null) {
        continue; // it left: judged on the canaries that remain
      }
      Canary then = entry.getValue();
      if (!Objects.equals(now.registeredAt(), then.process().registeredAt())) {
        return new Recheck(false, "canary " + describe(now) + " re-registered");
      }
      ChangeReport state = changeReport(reports, entry.getKey(), id);
      if (state == null || state.state() != ProcessState.APPLIED) {
        return new Recheck(
            true,
            "canary "
                + describe(now)
                + " no longer reports it applied: it reports "
                + (state == null
                    ? "nothing of it"
                    : state.state().name().toLowerCase(Locale.ROOT)
                        + (state.message() == null ? "" : " (" + state.message() + ")")));
      }
      if (!Objects.equals(state.localId(), then.localId())) {
        return new Recheck(
            false, "canary " + describe(now) + " applied it anew (as " + state.localId() + ")");
      }
    }
    return null;
  }

  /**
   * The plan's wave timeout, or by default the change's safe-point wait (a patch's agent waits that
   * long before it reports failed) and a few heartbeats.
   */
  long waveTimeoutMillis(RolloutPlan plan, Change change) {
    if (plan.waveTimeoutMillis() > 0) {
      return plan.waveTimeoutMillis();
    }
    long safepointWait = DEFAULT_SAFEPOINT_WAIT_MILLIS;
    if (change.kind() == ChangeKind.PATCH
        && change.spec().get("timeoutMillis") instanceof Number wait) {
      safepointWait = wait.longValue();
    }
    return DEFAULT_PREPARE_MILLIS
        + safepointWait
        + DEFAULT_WAVE_TIMEOUT_HEARTBEATS * heartbeatMillis;
  }

  /**
   * Whether {@code limit} has run out since {@code sinceMillis}, counted from the last reconnection
   * to ZooKeeper at the earliest (processes could not report while it was away).
   */
  private boolean outOfTime(long sinceMillis, long limit) {
    return clock.get() - Math.max(sinceMillis, connectedSinceMillis) >= limit;
  }

  /** A process as people find it: its pid and host (and the controller's id for it). */
  private static String describe(ProcessInfo process) {
    return "pid " + process.pid() + " on " + process.host() + " (" + process.id() + ")";
  }

  private static long millis(String at) {
    try {
      return at == null ? 0 : Instant.parse(at).toEpochMilli();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  private static String seconds(long millis) {
    return Duration.ofMillis(millis).toString().substring(2).toLowerCase(Locale.ROOT);
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
      window = openWindow(service, id, rollout);
      windows.put(key, window);
    }
    // Every tick, not only when judging: a canary that stops running the change mid-window and
    // runs it again by the time the gate is judged must not pass as having run it throughout.
    Recheck recheck = recheck(id, window.canaries, store.liveProcesses(service), metrics(service));
    if (recheck != null) {
      if (recheck.fails()) {
        rollBack(service, id, rollout, version, recheck.why(), null, now);
      } else {
        restartBake(service, id, key, rollout, version, recheck.why(), now);
      }
      return;
    }
    Map<String, ProcessInfo> live = store.liveProcesses(service);
    Map<String, ProcessInfo> atStart = new TreeMap<>();
    window.canaries.forEach((pid, canary) -> atStart.put(pid, canary.process()));
    if (recordLeavers(service, id, rollout, version, atStart, live, now)) {
      return;
    }
    // Before the first wave (a shadow baking) no process has been reached, and none need be.
    if (!rollout.waves().isEmpty() && rollout.reached().stream().noneMatch(live::containsKey)) {
      // No canary left to judge: the wave waits for none, within its time limit.
      long limit = waveTimeoutMillis(rollout.plan(), change);
      if (outOfTime(window.startMillis, limit)) {
        rollBack(
            service,
            id,
            rollout,
            version,
            "wave " + rollout.waves().size() + ": no canary left for " + seconds(limit),
            null,
            now);
      }
      return;
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

  /**
   * Records, once each, the reached processes among {@code known} that are no longer live: a
   * process that goes silent drops out of the live list, and the wave goes on without it, so the
   * history says so. True when it wrote (the step ends there; the next tick goes on).
   */
  private boolean recordLeavers(
      String service,
      String id,
      RolloutState rollout,
      int version,
      Map<String, ProcessInfo> known,
      Map<String, ProcessInfo> live,
      String now) {
    int number = rollout.waves().size();
    RolloutState next = rollout;
    for (String pid : rollout.reached()) {
      ProcessInfo process = known.get(pid);
      if (live.containsKey(pid) || process == null) {
        continue;
      }
      // Once per process, whichever wave it is noticed in (a lost process stays listed as lost).
      String who = "pid " + process.pid() + " on " + process.host() + " left ";
      if (rollout.history().stream()
          .noneMatch(d -> d.decision().equals("left") && d.detail().startsWith(who))) {
        next =
            next.decided(
                new RolloutDecision(
                    now, number, "left", controllerId, who + "during wave " + number, null));
      }
    }
    if (next == rollout) {
      return false;
    }
    store.stepRollout(service, id, version, next, null, null);
    return true;
  }

  /** The window restarts from now, recorded in the history with why. */
  private void restartBake(
      String service,
      String id,
      String key,
      RolloutState rollout,
      int version,
      String why,
      String now) {
    RolloutState next =
        rollout
            .baking(now)
            .decided(
                new RolloutDecision(
                    now,
                    rollout.waves().size(),
                    "bake restarted",
                    controllerId,
                    why + "; the window starts again",
                    null));
    if (store.stepRollout(service, id, version, next, null, null)) {
      windows.put(key, openWindow(service, id, rollout));
    }
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
        + seconds(plan.bakeMillis())
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

  /**
   * A bake's window: when it opened, the metrics then and the canaries' instances then; kept by the
   * driving controller.
   */
  private static final class Window {
    final long startMillis;
    final Map<String, ProcessReport> start;
    final Map<String, Canary> canaries;
    long judgedMillis;

    Window(long startMillis, Map<String, ProcessReport> start, Map<String, Canary> canaries) {
      this.startMillis = startMillis;
      this.start = start;
      this.canaries = canaries;
    }
  }

  /** A canary as a window opened: its registration, and its agent's local id for the change. */
  record Canary(ProcessInfo process, String localId) {}

  /** A canary that no longer runs the change as the window opened: fail the wave, or restart. */
  record Recheck(boolean fails, String why) {}
}

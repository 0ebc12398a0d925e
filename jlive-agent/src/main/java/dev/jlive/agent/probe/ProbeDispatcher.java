package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Receives every probe call from the bridge (through the agent's bridge dispatcher, which also
 * serves the safe-point gates and child JVMs) and runs the probe's action. Sites live in an array
 * indexed by the slot baked into the woven code; the array is replaced, never changed in place,
 * so readers need no lock. Every path is guarded by the probe's active flag, and the action's own
 * failures are caught and counted here (the bridge fences whatever slips through).
 */
public final class ProbeDispatcher {
  private static final int CALLER_DEPTH = 6;
  private static final int CAPTURE_STACK_DEPTH = 20;
  /** A log line's bound, whatever its template joins: each value in it is bounded already. */
  static final int MAX_MESSAGE = 8_192;

  private volatile ProbeSite[] sites = new ProbeSite[64];
  private final EventLog events;
  private final ProbeOutput output;

  ProbeDispatcher(EventLog events, ProbeOutput output) {
    this.events = events;
    this.output = output;
  }

  synchronized void put(ProbeSite site) {
    ProbeSite[] current = sites;
    if (site.slot() >= current.length) {
      current = Arrays.copyOf(current, Math.max(current.length * 2, site.slot() + 1));
    } else {
      current = current.clone();
    }
    current[site.slot()] = site;
    sites = current;
  }

  synchronized void remove(int slot) {
    ProbeSite[] current = sites.clone();
    if (slot < current.length) {
      current[slot] = null;
    }
    sites = current;
  }

  private ProbeSite site(int slot) {
    ProbeSite[] current = sites;
    return slot < current.length ? current[slot] : null;
  }

  /** A metrics call that is counted but not timed: its exit only looks for an exception. */
  static final long UNTIMED = 1L;
  /** An admitted entry call whose probe has no condition: sampling and rate limit passed already. */
  static final long ADMITTED = 2L;
  /** An admitted entry call whose condition still has to be tested, which needs the arguments. */
  static final long TEST_CONDITION = 3L;

  public long timedEnter(int slot) {
    ProbeSite site = site(slot);
    if (site == null) {
      return 0L;
    }
    Probe probe = site.probe();
    ThreadCells.Cell cell = probe.hit();
    if (cell == null) {
      return 0L;
    }
    ProbeSpec.Kind kind = probe.kind;
    if (kind == ProbeSpec.Kind.METRICS) {
      return startToken(probe.timingWeight(cell));
    }
    if (kind == ProbeSpec.Kind.CALLERS) {
      recordCaller(probe);
    }
    return 0L;
  }

  /**
   * The token a timed call carries to its exit: the start time with its low bit saying whether the
   * timing stands for one call (0) or for {@code timeOneIn} calls (1); {@link #UNTIMED} for a call
   * that is not timed. A start time that would read as 0 or {@link #UNTIMED} becomes 2 ns later.
   */
  static long startToken(int weight) {
    if (weight == 0) {
      return UNTIMED;
    }
    long start = System.nanoTime() & ~1L;
    if (start == 0L) {
      start = 2L;
    }
    return weight == 1 ? start : start | 1L;
  }

  public void timedExit(int slot, long token, Throwable thrown) {
    if (token == 0L || (token == UNTIMED && thrown == null)) {
      return;
    }
    ProbeSite site = site(slot);
    if (site == null || !site.probe().isActive()) {
      return;
    }
    Probe probe = site.probe();
    if (token != UNTIMED) {
      long elapsed = System.nanoTime() - (token & ~1L);
      probe.latency.record(elapsed, (token & 1L) == 0 ? 1 : probe.spec.timeOneIn());
    }
    if (thrown != null) {
      probe.exception(thrown);
    }
  }

  /**
   * Entry of a log or capture probe, before the woven code builds the argument array: counts the
   * call and, when the probe has no condition, decides sampling and the rate limit here, so that a
   * dropped event costs no allocation and no boxing. Returns 0 when nothing more is to be done.
   */
  public long admit(int slot) {
    ProbeSite site = site(slot);
    if (site == null) {
      return 0L;
    }
    Probe probe = site.probe();
    ThreadCells.Cell cell = probe.hit();
    if (cell == null || probe.kind == ProbeSpec.Kind.COUNT) {
      return 0L;
    }
    if (site.condition() != null) {
      return TEST_CONDITION;
    }
    return probe.mayEmit(cell, probe.now()) ? ADMITTED : 0L;
  }

  public void enterAdmitted(int slot, long token, Object self, Object[] args) {
    ProbeSite site = site(slot);
    if (site == null || !site.probe().isActive()) {
      return;
    }
    ProbeCall call = new ProbeCall(self, args, null, null, 0L, site.probe().spec.point());
    if (token == ADMITTED) {
      emitNow(site, call);
    } else {
      act(site, call);
    }
  }

  public long enter(int slot, Object self, Object[] args) {
    ProbeSite site = site(slot);
    if (site == null) {
      return 0L;
    }
    KotlinSuspend suspend = site.suspend();
    if (suspend != null) {
      return suspendEnter(site, suspend, self, args);
    }
    if (site.probe().hit() == null) {
      return 0L;
    }
    ProbeSpec.Point point = site.probe().spec.point();
    if (site.probe().spec.kind() == ProbeSpec.Kind.COUNT) {
      // A counting line probe: hit() counted it.
      return 1L;
    }
    if (point == ProbeSpec.Point.ENTRY || point == ProbeSpec.Point.LINE) {
      act(site, new ProbeCall(self, args, null, null, 0L, point));
      return 1L;
    }
    return System.nanoTime();
  }

  public void exit(int slot, long start, Object self, Object[] args, Object returned, Throwable thrown) {
    if (start == 0L) {
      return;
    }
    ProbeSite site = site(slot);
    if (site == null || !site.probe().isActive()) {
      return;
    }
    KotlinSuspend suspend = site.suspend();
    if (suspend != null) {
      suspendExit(site, suspend, start, self, args, returned, thrown);
      return;
    }
    ProbeSpec.Point point = site.probe().spec.point();
    if ((point == ProbeSpec.Point.EXIT && thrown == null) || (point == ProbeSpec.Point.EXCEPTION && thrown != null)) {
      act(site, new ProbeCall(self, args, returned, thrown, System.nanoTime() - start, point));
    }
  }

  // ---- Kotlin suspend functions: one logical call across its fragments (see KotlinSuspend) ----

  /** The token of a fragment that resumes a suspended call: not a call of its own. */
  static final long RESUMED = 5L;

  private long suspendEnter(ProbeSite site, KotlinSuspend suspend, Object self, Object[] args) {
    Probe probe = site.probe();
    if (suspend.isResume(KotlinSuspend.continuation(args))) {
      // Only probes that act at the end of the call need to follow a resumed one.
      boolean atEnd = probe.kind == ProbeSpec.Kind.METRICS
          || (probe.kind != ProbeSpec.Kind.COUNT && probe.kind != ProbeSpec.Kind.CALLERS && probe.spec.point() != ProbeSpec.Point.ENTRY);
      return atEnd ? RESUMED : 0L;
    }
    ThreadCells.Cell cell = probe.hit();
    if (cell == null) {
      return 0L;
    }
    switch (probe.kind) {
      case METRICS -> {
        return startToken(probe.timingWeight(cell));
      }
      case CALLERS -> {
        recordCaller(probe);
        return 0L;
      }
      case LOG, CAPTURE -> {
        if (probe.spec.point() == ProbeSpec.Point.ENTRY) {
          act(site, new ProbeCall(self, args, null, null, 0L, ProbeSpec.Point.ENTRY));
          return 0L;
        }
        long start = System.nanoTime();
        return start == 0L || start == RESUMED ? start + 1 : start;
      }
      default -> {
        return 0L;
      }
    }
  }

  private void suspendExit(ProbeSite site, KotlinSuspend suspend, long token, Object self, Object[] args, Object returned,
      Throwable thrown) {
    boolean over = thrown != null || !KotlinSuspend.suspended(returned);
    Object continuation = KotlinSuspend.continuation(args);
    if (token != RESUMED) {
      if (over) {
        suspendCompleted(site, token, self, args, returned, thrown);
      } else {
        // Untracked beyond KotlinSuspend.MAX_IN_FLIGHT: that call's completion is then not timed.
        suspend.suspendedFirst(continuation, new KotlinSuspend.Started(token, args));
      }
      return;
    }
    if (over) {
      KotlinSuspend.Started started = suspend.completed(continuation);
      if (started != null) {
        suspendCompleted(site, started.token(), self, started.args(), returned, thrown);
      }
    }
  }

  private void suspendCompleted(ProbeSite site, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    Probe probe = site.probe();
    if (probe.kind == ProbeSpec.Kind.METRICS) {
      timedExit(site.slot(), token, thrown);
      return;
    }
    ProbeSpec.Point point = probe.spec.point();
    if ((point == ProbeSpec.Point.EXIT && thrown == null) || (point == ProbeSpec.Point.EXCEPTION && thrown != null)) {
      act(site, new ProbeCall(self, args, returned, thrown, System.nanoTime() - token, point));
    }
  }

  /** Tests the condition, then sampling and the rate limit (coarse clock, no clock call), then emits. */
  private void act(ProbeSite site, ProbeCall call) {
    Probe probe = site.probe();
    ProbeExpression condition = site.condition();
    if (condition != null) {
      try {
        if (!condition.test(call)) {
          return;
        }
      } catch (Throwable failure) {
        probe.conditionFailed(failure, site.method(), call.args());
        return;
      }
    }
    if (!probe.mayEmit(probe.cells.mine(), probe.now())) {
      return;
    }
    emitNow(site, call);
  }

  /** Emits an event the budgets let through; its own CPU time counts against the probe's CPU share. */
  private void emitNow(ProbeSite site, ProbeCall call) {
    Probe probe = site.probe();
    long start = CpuSampler.start(probe);
    try {
      switch (probe.spec.kind()) {
        case LOG -> emit(site, call, site.template().render(call), null);
        case CAPTURE -> emit(site, call, null, snapshot(site, call));
        default -> {
          // Counting kinds never come through here.
        }
      }
    } catch (Throwable failure) {
      probe.failed(failure);
    } finally {
      CpuSampler.stop(probe, start);
    }
  }

  private void emit(ProbeSite site, ProbeCall call, String message, Map<String, Object> data) {
    Probe probe = site.probe();
    String thread = Thread.currentThread().getName();
    String point = call.point().name().toLowerCase(Locale.ROOT);
    String kept = message == null ? null : ValueRenderer.cut(message, MAX_MESSAGE);
    int size = EventLog.estimate(thread, site.method(), kept, data);
    if (!probe.madeEvent(size, probe.now(), events.probeBytesPerSecond())) {
      return;
    }
    ProbeEvent event = events.append(size, sequence -> new ProbeEvent(sequence, probe.id, System.currentTimeMillis(), thread,
        site.method(), point, kept, data));
    probe.emitted.increment();
    output.publish(site, event);
  }

  private void recordCaller(Probe probe) {
    long start = CpuSampler.start(probe);
    try {
      if (probe.spec.sampleOneIn() > 1 && ThreadLocalRandom.current().nextInt(probe.spec.sampleOneIn()) != 0) {
        probe.sampledOut.increment();
        return;
      }
      // The first frame is the probed method itself; its callers follow.
      List<String> frames = callerFrames(CALLER_DEPTH + 1);
      probe.recordCaller(frames.subList(Math.min(1, frames.size()), frames.size()));
    } catch (Throwable failure) {
      probe.failed(failure);
    } finally {
      CpuSampler.stop(probe, start);
    }
  }

  private static Map<String, Object> snapshot(ProbeSite site, ProbeCall call) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (site.localNames() != null) {
      Map<String, Object> locals = new LinkedHashMap<>();
      for (int i = 0; i < site.localNames().size(); i++) {
        locals.put(site.localNames().get(i), ValueRenderer.tree(call.args()[i]));
      }
      data.put("locals", locals);
    } else {
      List<Object> args = new ArrayList<>();
      for (Object arg : call.args()) {
        args.add(ValueRenderer.tree(arg));
      }
      data.put("args", args);
    }
    if (call.self() != null) {
      data.put("this", ValueRenderer.fields(call.self()));
    }
    if (call.point() == ProbeSpec.Point.EXIT) {
      data.put("return", ValueRenderer.tree(call.returned()));
    }
    if (call.thrown() != null) {
      Map<String, Object> thrown = new LinkedHashMap<>();
      thrown.put("type", call.thrown().getClass().getName());
      thrown.put("message", call.thrown().getMessage());
      data.put("thrown", thrown);
    }
    if (call.point() == ProbeSpec.Point.EXIT || call.point() == ProbeSpec.Point.EXCEPTION) {
      data.put("elapsedMillis", LatencyHistogram.millis(call.elapsedNanos()));
    }
    data.put("stack", callerFrames(CAPTURE_STACK_DEPTH));
    return data;
  }

  /** The frames from the probed method outwards: jlive's own frames are left out. */
  static List<String> callerFrames(int depth) {
    return StackWalker.getInstance().walk(frames -> frames
        .dropWhile(frame -> !frame.getClassName().equals(JLiveBridge.class.getName()))
        .dropWhile(frame -> frame.getClassName().equals(JLiveBridge.class.getName()))
        .limit(depth)
        .map(frame -> frame.getClassName() + "." + frame.getMethodName()
            + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : ""))
        .collect(Collectors.toList()));
  }
}

package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.event.ProbeEvent;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Receives every probe call from the bridge and runs the probe's action. It is the bridge's
 * dispatcher itself (the agent's subclass adds the safe-point gates, shadows and child JVMs), with
 * no hop between: probe advice calls it from the probed method's own bytecode, and a hop in between
 * has no call profile of its own when the probed method was first compiled without profiling, which
 * kept C2 from inlining the probe's entry (docs/ARCHITECTURE.md, "The hot path at the clock's
 * floor"). Sites live in an array indexed by the slot baked into the woven code; the array is
 * replaced, never changed in place, so readers need no lock. Every path is guarded by the probe's
 * active flag, and the action's own failures are caught and counted here (the bridge fences
 * whatever slips through).
 *
 * <p>Slots are reused, so that a service whose probes come and go for weeks keeps a table as large
 * as the most sites it ever had at once, not one entry per site it ever had. Woven code can still
 * call a slot after its probe was removed: a frame that entered the probed method before the class
 * was restored runs the old code to its end, and a class that failed to be restored keeps calling.
 * Two guards keep such a stale call from reaching another probe: a slot handle carries a generation
 * beside its index, and a call whose handle is not the one its table entry was issued with finds
 * nothing; and a freed index is issued again only {@link #REUSE_AFTER_NANOS} after it was freed,
 * oldest first, so that the generation could only come round again after 32 reuses of that one
 * index (at least 32 minutes) while the stale frame still runs.
 *
 * <p>The handle of one of the first 1,024 indexes stays below 32,768 (10 bits of index, 5 of
 * generation), so Byte Buddy pushes it with {@code sipush} and it never enters the class's constant
 * pool: the JVM merges a retransformed class's constant pool with the previous one, so a constant
 * no version had before grows every later version, and metaspace with it (BENCHMARKS.md section 9).
 * Beyond 1,024 sites at once, handles are large (20 bits of index, 9 of generation).
 */
public class ProbeDispatcher extends JLiveBridge.Dispatcher {
  private static final int CALLER_DEPTH = 6;
  private static final int CAPTURE_STACK_DEPTH = 20;

  /** A log line's bound, whatever its template joins: each value in it is bounded already. */
  static final int MAX_MESSAGE = 8_192;

  /** A small handle: 10 bits of index, 5 bits of generation above them, below 32,768. */
  static final int SMALL_INDEX_BITS = 10;

  static final int SMALL_INDEXES = 1 << SMALL_INDEX_BITS;
  static final int SMALL_GENERATIONS = 1 << 5;

  /** A large handle: this flag, 9 bits of generation, 20 bits of index. */
  private static final int LARGE = 1 << 30;

  static final int INDEX_BITS = 20;
  static final int INDEX_MASK = (1 << INDEX_BITS) - 1;
  private static final int LARGE_GENERATIONS = 1 << 9;

  /**
   * How long a freed index waits before it is issued again: like a retired gate's keep (see
   * safepoint.Gates).
   */
  static final long REUSE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);

  private volatile ProbeSite[] sites = new ProbeSite[64];
  private final EventLog events;
  private final ProbeOutput output;
  private final long reuseAfterNanos;

  /** Per index, the handle it was last issued with; -1 once freed. Guarded by this. */
  private int[] issued = new int[64];

  /** Freed indexes, oldest first, with their last handle. Guarded by this. */
  private final ArrayDeque<Freed> freed = new ArrayDeque<>();

  /** How many indexes were ever issued: the table's used length. Guarded by this. */
  private int indexes;

  private record Freed(int handle, long atNanos) {}

  /**
   * Per slot, the call site its woven code reads its {@link SiteDispatcher} from ({@link
   * JLiveBridge#probeDispatcher}). Guarded by this.
   */
  private final Map<Integer, MutableCallSite> links = new HashMap<>();

  private static final MethodHandle NO_DISPATCHER =
      MethodHandles.constant(JLiveBridge.Dispatcher.class, null);

  ProbeDispatcher(EventLog events, ProbeOutput output) {
    this(events, output, REUSE_AFTER_NANOS);
  }

  /** A dispatcher for the probes of the engine that made {@code wiring}. */
  protected ProbeDispatcher(Wiring wiring) {
    this(wiring.events, wiring.output, REUSE_AFTER_NANOS);
  }

  /**
   * What a dispatcher needs from its {@link ProbeEngine}: handed to the factory the engine is made
   * with, so that the agent's dispatcher can be a subclass without seeing the engine's parts.
   */
  public static final class Wiring {
    private final EventLog events;
    private final ProbeOutput output;

    Wiring(EventLog events, ProbeOutput output) {
      this.events = events;
      this.output = output;
    }
  }

  /** A dispatcher of probes only has no gates: every caller runs the method's body. */
  @Override
  public Object gateEnter(int gate, int method, int version) {
    return null;
  }

  @Override
  public void gateExit(int gate) {}

  ProbeDispatcher(EventLog events, ProbeOutput output, long reuseAfterNanos) {
    this.events = events;
    this.output = output;
    this.reuseAfterNanos = reuseAfterNanos;
    Arrays.fill(issued, -1);
  }

  /**
   * A slot for a new site: a freed index whose wait is over, with the next generation, or a new
   * index. Every slot issued must be given back with {@link #remove}, whether or not it was put.
   */
  synchronized int newSlot() {
    Freed oldest = freed.peek();
    if (oldest != null && System.nanoTime() - oldest.atNanos() >= reuseAfterNanos) {
      freed.poll();
      return issue(handle(index(oldest.handle()), generation(oldest.handle()) + 1));
    }
    if (indexes > INDEX_MASK) {
      throw new IllegalStateException("more than " + INDEX_MASK + " probe sites at once");
    }
    return issue(handle(indexes, 0));
  }

  static int handle(int index, int generation) {
    return index < SMALL_INDEXES
        ? (generation % SMALL_GENERATIONS) << SMALL_INDEX_BITS | index
        : LARGE | (generation % LARGE_GENERATIONS) << INDEX_BITS | index;
  }

  static int index(int handle) {
    return (handle & LARGE) != 0 ? handle & INDEX_MASK : handle & (SMALL_INDEXES - 1);
  }

  private static int generation(int handle) {
    return (handle & LARGE) != 0 ? (handle & ~LARGE) >>> INDEX_BITS : handle >>> SMALL_INDEX_BITS;
  }

  private int issue(int handle) {
    int index = index(handle);
    if (index >= issued.length) {
      int length = issued.length;
      issued = Arrays.copyOf(issued, Math.max(length * 2, index + 1));
      Arrays.fill(issued, length, issued.length, -1);
    }
    issued[index] = handle;
    indexes = Math.max(indexes, index + 1);
    return handle;
  }

  synchronized void put(ProbeSite site) {
    int index = index(site.slot());
    if (index >= issued.length || issued[index] != site.slot()) {
      issue(site.slot());
    }
    ProbeSite[] current = sites;
    if (index >= current.length) {
      current = Arrays.copyOf(current, Math.max(current.length * 2, index + 1));
    } else {
      current = current.clone();
    }
    current[index] = site;
    sites = current;
  }

  /**
   * Takes a site out and frees its slot for reuse. Call it once no woven code is meant to call the
   * slot any more (after the class was restored, or when weaving failed); a stale call still finds
   * nothing. A handle that is not the one its index holds now (freed already) is ignored.
   */
  synchronized void remove(int slot) {
    int index = index(slot);
    if (index >= issued.length || issued[index] != slot) {
      return;
    }
    ProbeSite[] current = sites;
    if (index < current.length && current[index] != null) {
      current = current.clone();
      current[index] = null;
      sites = current;
    }
    issued[index] = -1;
    freed.add(new Freed(slot, System.nanoTime()));
    unlink(links.remove(slot));
  }

  /**
   * The call site that woven code of {@code slot} reads its dispatcher from: one per site, made on
   * the first link, pointing at a {@link SiteDispatcher} of the site until the site is removed.
   * Null when the slot names no site (the bridge then links a call site that answers null).
   */
  @Override
  public synchronized CallSite probeDispatcher(int slot) {
    ProbeSite site = site(slot);
    if (site == null) {
      return null;
    }
    MutableCallSite link = links.get(slot);
    if (link == null) {
      link = newLink(site);
      links.put(slot, link);
    }
    return link;
  }

  private MutableCallSite newLink(ProbeSite site) {
    return new MutableCallSite(
        MethodHandles.constant(JLiveBridge.Dispatcher.class, SiteDispatchers.create(this, site)));
  }

  /**
   * A link made and called as a site's is, for no site, then dropped: {@link LinkWarmUp} loads and
   * runs its code off the application's threads.
   */
  Object linkAside() throws Throwable {
    return newLink(null).dynamicInvoker().invoke();
  }

  /**
   * Points every linked call site at null: once the agent stops, woven code left behind (a class
   * that could not be restored) reaches nothing of the agent, and the agent's loader can go.
   */
  synchronized void unlinkAll() {
    links.values().forEach(ProbeDispatcher::unlink);
    links.clear();
  }

  private static void unlink(MutableCallSite link) {
    if (link != null) {
      link.setTarget(NO_DISPATCHER);
      MutableCallSite.syncAll(new MutableCallSite[] {link});
    }
  }

  /**
   * How many slots the table uses: the most sites there were at once, plus those still waiting for
   * reuse.
   */
  public synchronized int slots() {
    return indexes;
  }

  /** How many slots are issued and not given back: the sites of the probes alive now. */
  public synchronized int inUse() {
    int count = 0;
    for (int index = 0; index < indexes; index++) {
      if (issued[index] != -1) {
        count++;
      }
    }
    return count;
  }

  /**
   * The site a call of woven code reaches: none when the slot was freed, even if its index was
   * issued again.
   */
  private ProbeSite site(int slot) {
    ProbeSite[] current = sites;
    int index = index(slot);
    if (index >= current.length) {
      return null;
    }
    ProbeSite site = current[index];
    return site != null && site.slot() == slot ? site : null;
  }

  /** A metrics call that is counted but not timed: its exit only looks for an exception. */
  static final long UNTIMED = 1L;

  /**
   * An admitted entry call whose probe has no condition: sampling and rate limit passed already.
   */
  static final long ADMITTED = 2L;

  /** An admitted entry call whose condition still has to be tested, which needs the arguments. */
  static final long TEST_CONDITION = 3L;

  /**
   * An admitted entry call whose typed condition the woven code tested already, and that held: only
   * the rate limit is left.
   */
  static final long CONDITION_HELD = 6L;

  @Override
  public long timedEnter(int slot) {
    return timedEnter(site(slot));
  }

  /** {@link #timedEnter(int)} for the site the slot names, or for none (null). */
  long timedEnter(ProbeSite site) {
    if (site == null) {
      return 0L;
    }
    CallPlan plan = site.probe().plan;
    ThreadCells.Cell cell = plan.hit();
    return cell == null ? 0L : afterHit(plan, cell);
  }

  /**
   * The rest of {@link #timedEnter(int)} for a call the probe counted ({@link CallPlan#hit}); a
   * site's linked dispatcher calls it too ({@link SiteDispatcher#timedEnter}).
   */
  long afterHit(CallPlan plan, ThreadCells.Cell cell) {
    ProbeSpec.Kind kind = plan.kind();
    if (kind == ProbeSpec.Kind.COUNT) {
      return 0L;
    }
    Probe probe = plan.probe();
    if (kind == ProbeSpec.Kind.METRICS) {
      return startToken(plan.timingWeight(cell));
    }
    if (plan.parts()) {
      return enterParts(plan, cell);
    }
    if (kind == ProbeSpec.Kind.CALLERS) {
      int weight = probe.callerWeight(cell);
      if (weight > 0) {
        recordCaller(probe, weight);
      }
      return 0L;
    }
    if (kind == ProbeSpec.Kind.LOG || kind == ProbeSpec.Kind.CAPTURE) {
      return admitAtEnd(plan, cell);
    }
    return 0L;
  }

  /**
   * The token of an exit or exception probe's call that sampling kept, and whose start time is not
   * needed: the exit reports it with no duration.
   */
  static final long NO_START = 1L;

  /**
   * Entry of an exit or exception probe: sampling is decided here, before the woven code builds the
   * arguments or boxes a return value, and the clock is read only for a kept call whose duration
   * the probe shows. So a call left out costs what a left-out entry call costs. Returns 0 for a
   * call left out, {@link #NO_START} or the start time for one kept. By the plan, which is a
   * constant in a linked site's compiled code, so the sampling threshold is one too.
   */
  private static long admitAtEnd(CallPlan plan, ThreadCells.Cell cell) {
    // Within 35 bytes of bytecode, so that C2 inlines it even where afterHit's profile has not
    // seen this kind (SiteDispatcherShapeTest); a kept call's start is a call of its own.
    return plan.sampled(cell) ? keptAtEnd(plan) : 0L;
  }

  /** {@link #admitAtEnd} for a call sampling kept. */
  private static long keptAtEnd(CallPlan plan) {
    if (!plan.probe().timesCalls) {
      return NO_START;
    }
    long start = System.nanoTime();
    return start == 0L || start == NO_START ? 2L : start;
  }

  /**
   * The token a timed call carries to its exit: the start time with its low bit saying whether the
   * timing stands for one call (0) or for {@code timeOneIn} calls (1); {@link #UNTIMED} for a call
   * that is not timed. A start time that would read as 0 or {@link #UNTIMED} becomes 2 ns later.
   */
  static long startToken(int weight) {
    // This and timedStart are kept within 35 bytes of bytecode each, so that C2 inlines them even
    // where the call has no profile (SiteDispatcherShapeTest).
    return weight == 0 ? UNTIMED : timedStart(weight);
  }

  private static long timedStart(int weight) {
    long start = System.nanoTime() & ~1L;
    if (start == 0L) {
      start = 2L;
    }
    return weight == 1 ? start : start | 1L;
  }

  /**
   * The token of a trace's or line profile's call nested in a timed call of the same method on the
   * same thread (recursion): its exit only counts the frame out.
   */
  static final long NESTED_PART = 4L;

  /**
   * Entry of a trace or line profile: sampling decides whether this call's parts are timed; a call
   * nested in a timed one is part of it.
   */
  private static long enterParts(CallPlan plan, ThreadCells.Cell cell) {
    Probe probe = plan.probe();
    boolean timed = plan.sampled(cell);
    boolean follow = probe.parts.enter(cell, timed);
    if (!follow) {
      return UNTIMED;
    }
    return timed ? startToken(probe.sampleOneIn) : NESTED_PART;
  }

  @Override
  public void timedExit(int slot, long token, Throwable thrown) {
    if (token == 0L || (token == UNTIMED && thrown == null)) {
      return;
    }
    timedExit(site(slot), token, thrown);
  }

  /** {@link #timedExit(int, long, Throwable)} for the site the slot names, or for none (null). */
  void timedExit(ProbeSite site, long token, Throwable thrown) {
    if (site != null && token != 0L && (token != UNTIMED || thrown != null)) {
      exitCounted(site.probe().plan, token, thrown);
    }
  }

  /**
   * The rest of {@link #timedExit(int, long, Throwable)}, for a timed call or an exception; a
   * site's linked dispatcher calls it too ({@link SiteDispatcher#timedExit}).
   */
  void exitCounted(CallPlan plan, long token, Throwable thrown) {
    Probe probe = plan.probe();
    if (plan.parts() && token != UNTIMED) {
      if (!probe.isActive()) {
        return;
      }
      ThreadCells.Cell cell = plan.cells().mine();
      probe.parts.exit(cell);
      if (token != NESTED_PART) {
        long elapsed = System.nanoTime() - (token & ~1L);
        plan.latency().record(cell, elapsed, (token & 1L) == 0 ? 1 : probe.sampleOneIn);
      }
      return;
    }
    // A call timed by a probe that went off while it ran is still recorded: its entry was
    // counted, and the timing only adds to the removed probe's last figures.
    if (token != UNTIMED) {
      long elapsed = System.nanoTime() - (token & ~1L);
      int weight = (token & 1L) == 0 ? 1 : plan.timeOneIn();
      ThreadCells.Cell own = plan.cells().own();
      if (own != null) {
        plan.latency().recordOwn(own, elapsed, weight);
      } else {
        plan.latency().record(plan.cells().mine(), elapsed, weight);
      }
    }
    if (thrown != null && probe.isActive()) {
      probe.exception(thrown);
    }
  }

  /** A part of a traced or line-profiled method starts (see {@link PartTimes}). */
  @Override
  public void partEnter(int slot, int part) {
    ProbeSite site = site(slot);
    if (site != null && site.probe().parts != null) {
      site.probe().parts.partEnter(site.probe().cells.mine(), part);
    }
  }

  /** A call that {@link #partEnter} started returned. */
  @Override
  public void partExit(int slot, int part) {
    ProbeSite site = site(slot);
    if (site != null && site.probe().parts != null) {
      site.probe().parts.partExit(site.probe().cells.mine(), part);
    }
  }

  /**
   * Entry of a log or capture probe, before the woven code builds the argument array: counts the
   * call, decides sampling and, when the probe has no condition, the rate limit here, so that a
   * dropped event costs no allocation and no boxing. Returns 0 when nothing more is to be done.
   */
  @Override
  public long admit(int slot) {
    return admit(site(slot));
  }

  /** {@link #admit(int)} for the site the slot names, or for none (null). */
  long admit(ProbeSite site) {
    if (site == null) {
      return 0L;
    }
    CallPlan plan = site.probe().plan;
    ThreadCells.Cell cell = plan.hit();
    return cell == null ? 0L : admitCounted(site, plan, cell);
  }

  /**
   * The rest of {@link #admit(int)}, for a call the probe counted; a site's linked dispatcher calls
   * it too ({@link SiteDispatcher#admit}).
   */
  long admitCounted(ProbeSite site, CallPlan plan, ThreadCells.Cell cell) {
    if (plan.kind() == ProbeSpec.Kind.COUNT) {
      return 0L;
    }
    if (site.condition() != null) {
      // Sampling first: a call left out builds no arguments for the condition either.
      return plan.sampled(cell) ? TEST_CONDITION : 0L;
    }
    // Sampling by the plan, a constant in a linked site's compiled code, before the clock is read:
    // a call left out reads neither the threshold nor the clock through the probe.
    if (!plan.sampled(cell)) {
      return 0L;
    }
    Probe probe = plan.probe();
    return probe.mayEmitSampled(cell, probe.now()) ? ADMITTED : 0L;
  }

  @Override
  public void enterAdmitted(int slot, long token, Object self, Object[] args) {
    ProbeSite site = site(slot);
    if (site == null || !site.probe().isActive()) {
      return;
    }
    ProbeCall call = new ProbeCall(self, args, null, null, 0L, site.probe().spec.point());
    if (token == ADMITTED) {
      emitNow(site, call);
    } else if (token == CONDITION_HELD) {
      limitAndEmit(site, call, false);
    } else {
      act(site, call, false);
    }
  }

  /**
   * The call site of a typed condition ({@link TypedConditionCall}) for a call site of {@code
   * type}; null (a false condition) when the slot has no typed condition any more.
   */
  @Override
  public CallSite conditionSite(int slot, MethodType type) {
    ProbeSite site = site(slot);
    if (site == null || site.condition() == null || !site.condition().isTyped()) {
      return null;
    }
    return site.condition().callSite(type);
  }

  @Override
  public void conditionFailed(int slot, Throwable failure, Object self, Object[] args) {
    ProbeSite site = site(slot);
    if (site != null && site.probe().isActive()) {
      site.probe().conditionFailed(failure, site.method(), args);
    }
  }

  @Override
  public long enter(int slot, Object self, Object[] args) {
    ProbeSite site = site(slot);
    if (site == null) {
      return 0L;
    }
    KotlinSuspend suspend = site.suspend();
    if (suspend != null) {
      return suspendEnter(site, suspend, self, args);
    }
    ThreadCells.Cell cell = site.probe().hit();
    if (cell == null) {
      return 0L;
    }
    ProbeSpec.Point point = site.probe().spec.point();
    if (site.probe().spec.kind() == ProbeSpec.Kind.COUNT) {
      // A counting line probe: hit() counted it.
      return 1L;
    }
    if (point == ProbeSpec.Point.ENTRY || point == ProbeSpec.Point.LINE) {
      act(site, new ProbeCall(self, args, null, null, 0L, point), true);
      return 1L;
    }
    return admitAtEnd(site.probe().plan, cell);
  }

  @Override
  public void exit(
      int slot, long start, Object self, Object[] args, Object returned, Throwable thrown) {
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
    if (actsOnEnd(site.probe(), thrown)) {
      // Sampling kept this call on entry (admitAtEnd).
      long elapsed = start == NO_START ? 0L : System.nanoTime() - start;
      act(
          site,
          new ProbeCall(self, args, returned, thrown, elapsed, site.probe().spec.point()),
          false);
    }
  }

  /**
   * Whether an exit or exception probe acts on a call that ended so: an exit probe on a return, and
   * a recording on a throw too (a replay needs the failures); an exception probe on a throw.
   */
  private static boolean actsOnEnd(Probe probe, Throwable thrown) {
    ProbeSpec.Point point = probe.spec.point();
    return (point == ProbeSpec.Point.EXIT && (thrown == null || probe.recorder != null))
        || (point == ProbeSpec.Point.EXCEPTION && thrown != null);
  }

  // ---- Kotlin suspend functions: one logical call across its fragments (see KotlinSuspend) ----

  /** The token of a fragment that resumes a suspended call: not a call of its own. */
  static final long RESUMED = 5L;

  private long suspendEnter(ProbeSite site, KotlinSuspend suspend, Object self, Object[] args) {
    Probe probe = site.probe();
    if (suspend.isResume(KotlinSuspend.continuation(args))) {
      return followsResumes(probe.kind, probe) ? RESUMED : 0L;
    }
    ThreadCells.Cell cell = probe.hit();
    if (cell == null) {
      return 0L;
    }
    switch (probe.kind) {
      case METRICS -> {
        return startToken(probe.plan.timingWeight(cell));
      }
      case CALLERS -> {
        int weight = probe.callerWeight(cell);
        if (weight > 0) {
          recordCaller(probe, weight);
        }
        return 0L;
      }
      case LOG, CAPTURE -> {
        if (probe.spec.point() == ProbeSpec.Point.ENTRY) {
          act(site, new ProbeCall(self, args, null, null, 0L, ProbeSpec.Point.ENTRY), true);
          return 0L;
        }
        return admitSuspendedAtEnd(probe.plan, cell);
      }
      default -> {
        return 0L;
      }
    }
  }

  private void suspendExit(
      ProbeSite site,
      KotlinSuspend suspend,
      long token,
      Object self,
      Object[] args,
      Object returned,
      Throwable thrown) {
    boolean over = thrown != null || !KotlinSuspend.suspended(returned);
    Object continuation = KotlinSuspend.continuation(args);
    if (token != RESUMED) {
      if (over) {
        suspendCompleted(site, token, self, args, returned, thrown);
      } else {
        // Untracked beyond KotlinSuspend.MAX_IN_FLIGHT: that call's completion is then not timed.
        suspend.suspendedFirst(continuation, new KotlinSuspend.Started(token, self, args));
      }
      return;
    }
    if (over) {
      KotlinSuspend.Started started = suspend.completed(continuation);
      if (started != null) {
        suspendCompleted(site, started.token(), started.self(), started.args(), returned, thrown);
      }
    }
  }

  /**
   * Entry of an exit or exception probe on a suspend function's call: sampling decided here, as
   * {@link #admitAtEnd} does for a plain method, so a call left out keeps nothing for its
   * completion and its fragments build no argument array. A kept call's token is never {@link
   * #RESUMED}.
   */
  private static long admitSuspendedAtEnd(CallPlan plan, ThreadCells.Cell cell) {
    long token = admitAtEnd(plan, cell);
    return token == RESUMED ? RESUMED + 1 : token;
  }

  /** Whether a probe acts when a suspend function's call completes: on its result or exception. */
  private static boolean actsAtEnd(ProbeSpec.Kind kind, Probe probe) {
    return (kind == ProbeSpec.Kind.LOG || kind == ProbeSpec.Kind.CAPTURE)
        && probe.spec.point() != ProbeSpec.Point.ENTRY;
  }

  /**
   * Whether a probe follows a suspended call into the fragment that resumes it: a metrics probe (to
   * time the call) and one that acts at the end. Others see the first fragment only.
   */
  private static boolean followsResumes(ProbeSpec.Kind kind, Probe probe) {
    return kind == ProbeSpec.Kind.METRICS || actsAtEnd(kind, probe);
  }

  /**
   * {@link JLiveBridge.Dispatcher#suspendEnter}: the entry of a probe woven with the
   * continuation-only advice ({@link ProbeAdvice.SuspendEntry}, {@link ProbeAdvice.SuspendTimed}),
   * which builds the argument array only for a log or capture call admitted here. A resumed
   * fragment is no call of its own; a metrics probe still follows it to the call's completion.
   */
  @Override
  public long suspendEnter(int slot, Object continuation) {
    return suspendEnter(site(slot), continuation);
  }

  /** {@link #suspendEnter(int, Object)} for the site the slot names, or for none (null). */
  long suspendEnter(ProbeSite site, Object continuation) {
    KotlinSuspend suspend = site == null ? null : site.suspend();
    if (suspend == null) {
      return 0L;
    }
    CallPlan plan = site.probe().plan;
    ProbeSpec.Kind kind = plan.kind();
    if (suspend.isResume(continuation)) {
      return followsResumes(kind, plan.probe()) ? RESUMED : 0L;
    }
    ThreadCells.Cell cell = plan.hit();
    if (cell == null) {
      return 0L;
    }
    if (kind == ProbeSpec.Kind.LOG || kind == ProbeSpec.Kind.CAPTURE) {
      return actsAtEnd(kind, plan.probe())
          ? admitSuspendedAtEnd(plan, cell)
          : admitCounted(site, plan, cell);
    }
    return afterHit(plan, cell);
  }

  /**
   * {@link JLiveBridge.Dispatcher#suspendExit}: a fragment that returns anything but {@code
   * COROUTINE_SUSPENDED}, or throws, completes the call. A metrics probe times it from its first
   * fragment's entry; only a call that really suspends leaves a record behind. An exit or exception
   * probe ({@link ProbeAdvice.SuspendExit}) comes here for the fragments that resume a call only:
   * the first fragment of a call it kept goes through {@link #exit} with the receiver and
   * arguments, which the completion then shows.
   */
  @Override
  public void suspendExit(
      int slot, long token, Object continuation, Object returned, Throwable thrown) {
    suspendExit(site(slot), token, continuation, returned, thrown);
  }

  /** {@link #suspendExit(int, long, Object, Object, Throwable)} for the site the slot names. */
  void suspendExit(
      ProbeSite site, long token, Object continuation, Object returned, Throwable thrown) {
    KotlinSuspend suspend = site == null ? null : site.suspend();
    if (suspend == null || token == 0L) {
      return;
    }
    boolean over = thrown != null || !KotlinSuspend.suspended(returned);
    if (token != RESUMED) {
      if (over) {
        timedExit(site, token, thrown);
      } else {
        suspend.suspendedFirst(continuation, new KotlinSuspend.Started(token, null, null));
      }
    } else if (over) {
      KotlinSuspend.Started started = suspend.completed(continuation);
      if (started != null) {
        suspendCompleted(site, started.token(), started.self(), started.args(), returned, thrown);
      }
    }
  }

  private void suspendCompleted(
      ProbeSite site, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    Probe probe = site.probe();
    if (probe.kind == ProbeSpec.Kind.METRICS) {
      timedExit(site.slot(), token, thrown);
      return;
    }
    if (actsOnEnd(probe, thrown)) {
      // Sampling kept this call at its first fragment's entry (admitSuspendedAtEnd).
      long elapsed = token == NO_START ? 0L : System.nanoTime() - token;
      act(site, new ProbeCall(self, args, returned, thrown, elapsed, probe.spec.point()), false);
    }
  }

  /**
   * Tests the condition, then sampling (unless {@code sample} is false: the entry decided it) and
   * the rate limit (coarse clock, no clock call), then emits.
   */
  private void act(ProbeSite site, ProbeCall call, boolean sample) {
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
    limitAndEmit(site, call, sample);
  }

  /** Sampling (unless the entry decided it) and the rate limit, then emits. */
  private void limitAndEmit(ProbeSite site, ProbeCall call, boolean sample) {
    Probe probe = site.probe();
    ThreadCells.Cell cell = probe.cells.mine();
    if (sample ? !probe.mayEmit(cell, probe.now()) : !probe.mayEmitSampled(cell, probe.now())) {
      return;
    }
    emitNow(site, call);
  }

  /**
   * Emits an event the budgets let through; its own CPU time counts against the probe's CPU share.
   */
  private void emitNow(ProbeSite site, ProbeCall call) {
    Probe probe = site.probe();
    long start = CpuSampler.start(probe);
    try {
      if (probe.recorder != null) {
        probe.recorder.record(call.self(), call.args(), call.returned(), call.thrown());
        probe.emitted.increment();
        return;
      }
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
    ProbeEvent event =
        events.append(
            size,
            sequence ->
                new ProbeEvent(
                    sequence,
                    probe.id,
                    System.currentTimeMillis(),
                    thread,
                    site.method(),
                    point,
                    kept,
                    data));
    probe.emitted.increment();
    output.publish(site, event);
  }

  private void recordCaller(Probe probe, int weight) {
    long start = CpuSampler.start(probe);
    try {
      // The first frame is the probed method itself; its callers follow.
      List<String> frames = callerFrames(CALLER_DEPTH + 1);
      probe.recordCaller(frames.subList(Math.min(1, frames.size()), frames.size()), weight);
    } catch (Throwable failure) {
      probe.failed(failure);
    } finally {
      CpuSampler.stop(probe, start);
    }
  }

  private static Map<String, Object> snapshot(ProbeSite site, ProbeCall call) {
    ProbeSpec spec = site.probe().spec;
    ValueRenderer.Capture capture =
        new ValueRenderer.Capture(spec.captureDepth(), spec.captureMaxChars());
    // Ordered maps, not JsonObject: a snapshot shows what the application held, and a null (a null
    // return, a null message) must show.
    Map<String, Object> data = new LinkedHashMap<>();
    if (site.localNames() != null) {
      Map<String, Object> locals = new LinkedHashMap<>();
      for (int i = 0; i < site.localNames().size(); i++) {
        locals.put(site.localNames().get(i), capture.tree(call.args()[i]));
      }
      data.put("locals", locals);
    } else {
      List<Object> args = new ArrayList<>();
      for (Object arg : call.args()) {
        args.add(capture.tree(arg));
      }
      data.put("args", args);
    }
    if (call.point() == ProbeSpec.Point.EXIT) {
      data.put("return", capture.tree(call.returned()));
    }
    if (call.thrown() != null) {
      Map<String, Object> thrown = new LinkedHashMap<>(); // a null message shows as null, as above
      thrown.put("type", call.thrown().getClass().getName());
      thrown.put("message", call.thrown().getMessage());
      data.put("thrown", thrown);
    }
    if (call.point() == ProbeSpec.Point.EXIT || call.point() == ProbeSpec.Point.EXCEPTION) {
      data.put("elapsedMillis", LatencyHistogram.millis(call.elapsedNanos()));
    }
    // The receiver and the stack come last: they are the biggest parts and the least often read,
    // so a small --max-size keeps the arguments and the outcome whole.
    if (call.self() != null) {
      data.put("this", capture.fields(call.self()));
    }
    List<String> frames = callerFrames(CAPTURE_STACK_DEPTH);
    List<String> stack = new ArrayList<>(frames.size());
    for (String frame : frames) {
      String kept = capture.line(frame);
      if (kept == null) {
        stack.add(ValueRenderer.ELLIPSIS + "(+" + (frames.size() - stack.size()) + " frames)");
        break;
      }
      stack.add(kept);
    }
    data.put("stack", stack);
    return data;
  }

  /** How many of jlive's own frames, and the JDK's among them, a walk looks through at most. */
  private static final int OWN_FRAMES = 32;

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /**
   * The frames from the probed method outwards: jlive's own frames are left out. The probed method
   * is the first frame after the last of jlive's (the bridge's, or a class of the agent's loader)
   * in the run of jlive's and the JDK's frames the walk starts with: advice may call the dispatcher
   * straight from the probed method or through the bridge, and the agent's own path may pass
   * through JDK methods (a stream, a lambda).
   */
  static List<String> callerFrames(int depth) {
    List<StackWalker.StackFrame> frames =
        WALKER.walk(stream -> stream.limit(OWN_FRAMES + depth).collect(Collectors.toList()));
    int probed = 0;
    for (int i = 0; i < frames.size(); i++) {
      Class<?> type = frames.get(i).getDeclaringClass();
      if (type == JLiveBridge.class || type.getClassLoader() == AGENT_LOADER) {
        probed = i + 1;
      } else if (!isJdk(type)) {
        break;
      }
    }
    return frames.subList(Math.min(probed, frames.size()), frames.size()).stream()
        .limit(depth)
        .map(
            frame ->
                frame.getClassName()
                    + "."
                    + frame.getMethodName()
                    + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : ""))
        .collect(Collectors.toList());
  }

  private static final ClassLoader AGENT_LOADER = ProbeDispatcher.class.getClassLoader();

  private static boolean isJdk(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == ClassLoader.getPlatformClassLoader();
  }
}

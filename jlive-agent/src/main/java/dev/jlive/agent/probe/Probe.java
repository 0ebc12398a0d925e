package dev.jlive.agent.probe;

import dev.jlive.agent.expression.RunawayGuard;
import dev.jlive.protocol.metrics.CallerPath;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.probe.ClassReport;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.probe.ProbeState;
import dev.jlive.protocol.probe.ProbeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One probe at run time: what it counts, what it emitted, and its budget.
 *
 * <p>The hot path (called from application threads through the dispatcher) only reads volatile
 * flags, bumps the calling thread's own counters ({@link ThreadCells}) and reads the coarse clock
 * ({@link CoarseClock}); a counting probe allocates nothing and uses no locked instruction. A probe
 * that runs over its budget or keeps failing turns itself off at once ({@link #disable}) and leaves
 * the removal of its woven code to the engine's own thread, never to the application's.
 */
final class Probe {
  static final int MAX_FAILURES = 10;
  static final int RATE_OVERFLOW_FACTOR = 10;
  static final int MAX_CALLER_PATHS = 200;

  /**
   * A metrics probe times every one of a thread's first calls, so short runs get exact histograms.
   */
  static final int EXACT_TIMINGS_PER_THREAD = 256;

  /** Drops are added to the overflow window in batches per thread, at most this many. */
  private static final int MAX_DROP_BATCH = 1024;

  final String id;

  /** The application logger's name for this probe's lines. */
  final String loggerName;

  final ProbeSpec spec;
  final String author;
  final Instant createdAt = Instant.now();
  private final long expiresAtNanos;
  private final RateLimiter limiter;
  private final BiConsumer<Probe, String> onDisable;
  private final CoarseClock clock;

  /** Copies of the spec's, one field read away on the hot path. */
  private final long maxHits;

  final ProbeSpec.Kind kind;

  /** Where a recording's calls go (a capture probe at exit that sees both outcomes), else null. */
  final CallRecorder recorder;

  private volatile boolean active = true;
  private volatile String disabledReason;

  /** Calls and dropped events, per thread: exact, and no locked instruction per call. */
  final ThreadCells cells = new ThreadCells();

  private final AtomicLong hitsForLimit = new AtomicLong();
  final LongAdder emitted = new LongAdder();
  final LongAdder sampledOut = new LongAdder();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile String lastFailure;

  /** CPU time of the probe's own work, estimated from samples ({@link CpuSampler}). */
  final LongAdder ownNanos = new LongAdder();

  /** Events still to be handled before the CPU budget starts charging: the one-time set-up's. */
  final AtomicInteger unchargedEvents = new AtomicInteger(CpuSampler.WARM_UP_EVENTS);

  private final AtomicLong dropWindowStart;
  private final AtomicLong dropsInWindow = new AtomicLong();

  /**
   * Bytes of events made within the current second, against {@link EventLog#probeBytesPerSecond}.
   */
  private final AtomicLong bytesWindowStart;

  private final AtomicLong bytesInWindow = new AtomicLong();

  /**
   * A power of two minus one: a thread reports its drops to the overflow window every (mask + 1)
   * drops.
   */
  private final long dropBatchMask;

  /** For {@link ThreadCells.Cell#sample}: one in {@code spec.timeOneIn()}. */
  final long timingThreshold;

  /** For {@link ThreadCells.Cell#sample}: one in {@link #sampleOneIn}; -1 for every call. */
  private final long sampleThreshold;

  /**
   * The calls a probe acts on: one in this many ({@code --sample N}; a callers probe's default is
   * {@link ProbeSpec#DEFAULT_CALLERS_SAMPLE_ONE_IN}, since each call it acts on walks the stack). A
   * callers probe walks each thread's first {@link #EXACT_TIMINGS_PER_THREAD} calls, then the
   * sample, each walk counting for as many calls.
   */
  final int sampleOneIn;

  /**
   * True when an exit or exception probe needs the call's duration (a capture's elapsed time, or
   * {elapsed} in a template), so its entry reads the clock; else no call reads it.
   */
  final boolean timesCalls;

  final LatencyHistogram latency = new LatencyHistogram(cells);

  /** A trace's callees or a line profile's lines; null for the other kinds. */
  final PartTimes parts;

  final Map<String, LongAdder> exceptions = new ConcurrentHashMap<>();
  final Map<String, LongAdder> callers = new ConcurrentHashMap<>();

  /** What the per-call code decides by ({@link CallPlan}). */
  final CallPlan plan;

  Probe(
      String id,
      ProbeSpec spec,
      String author,
      BiConsumer<Probe, String> onDisable,
      CoarseClock clock) {
    this(id, spec, author, onDisable, clock, null);
  }

  Probe(
      String id,
      ProbeSpec spec,
      String author,
      BiConsumer<Probe, String> onDisable,
      CoarseClock clock,
      CallRecorder recorder) {
    this.id = id;
    this.recorder = recorder;
    this.loggerName = "jlive.probe." + id;
    this.spec = spec;
    this.author = author;
    this.onDisable = onDisable;
    this.clock = clock;
    this.maxHits = spec.maxHits();
    this.kind = spec.kind();
    long now = clock.nanos();
    this.expiresAtNanos = now + spec.timeToLive().toNanos();
    this.limiter = new RateLimiter(spec.ratePerSecond(), now);
    this.dropWindowStart = new AtomicLong(now);
    this.bytesWindowStart = new AtomicLong(now);
    // Batches small against the overflow threshold (1/16 of it), so that the check stays within
    // about 6% per thread.
    long batch =
        Long.highestOneBit(
            Math.max(
                1,
                Math.min(MAX_DROP_BATCH, (long) RATE_OVERFLOW_FACTOR * spec.ratePerSecond() / 16)));
    this.dropBatchMask = batch - 1;
    this.timingThreshold = ThreadCells.threshold(spec.timeOneIn());
    this.sampleOneIn = spec.sampleOneIn();
    this.sampleThreshold = sampleOneIn > 1 ? ThreadCells.threshold(sampleOneIn) : -1L;
    this.parts =
        kind == ProbeSpec.Kind.TRACE || kind == ProbeSpec.Kind.LINES
            ? new PartTimes(sampleOneIn, spec.traceDepth())
            : null;
    this.timesCalls =
        kind == ProbeSpec.Kind.CAPTURE
            || (spec.template() != null && spec.template().contains("elapsed"));
    this.plan =
        new CallPlan(
            this,
            cells,
            kind,
            maxHits > 0,
            parts != null,
            spec.timeOneIn(),
            sampleThreshold,
            latency);
  }

  boolean isActive() {
    return active;
  }

  String disabledReason() {
    return disabledReason;
  }

  /** The coarse clock the per-call checks use. */
  long now() {
    return clock.nanos();
  }

  /** Calls counted so far, exact. */
  long hits() {
    return cells.hits();
  }

  /** Events dropped by the rate limit so far, exact. */
  long dropped() {
    return cells.drops();
  }

  /**
   * Counts a call: the calling thread's cell (for more decisions about this call), or null when the
   * probe is off or this call used up its hit budget.
   */
  ThreadCells.Cell hit() {
    return plan.hit();
  }

  /**
   * Whether this call is past the probe's hit budget ({@code --max-hits}); the call that first is
   * turns the probe off. An exact cut-off needs one shared counter: only probes with a hit budget
   * pay its atomic add.
   */
  boolean pastHitLimit() {
    if (hitsForLimit.incrementAndGet() > maxHits) {
      disable(
          "reached its limit of "
              + spec.maxHits()
              + " calls; add it again with a higher --max-hits to see more");
      return true;
    }
    return false;
  }

  /**
   * How many calls a callers probe's stack walk of this call stands for: 1 for each thread's first
   * calls, {@link #sampleOneIn} for a sampled call, 0 for a call not walked (counted as left out).
   */
  int callerWeight(ThreadCells.Cell cell) {
    // Within 35 bytes of bytecode, as CallPlan.timingWeight (SiteDispatcherShapeTest); the shared
    // cell's first calls are walked too.
    if (sampleOneIn <= 1 || cell.hits <= EXACT_TIMINGS_PER_THREAD) {
      return 1;
    }
    return sampledCallerWeight(cell);
  }

  private int sampledCallerWeight(ThreadCells.Cell cell) {
    return sampled(cell) ? sampleOneIn : 0;
  }

  void exception(Throwable thrown) {
    exceptions.computeIfAbsent(thrown.getClass().getName(), name -> new LongAdder()).increment();
  }

  /**
   * Decides whether this call may emit an event: sampling, expiry and the rate limit, in the order
   * of their cost.
   *
   * @param now the coarse clock ({@link #now()})
   */
  boolean mayEmit(ThreadCells.Cell cell, long now) {
    return sampled(cell) && mayEmitSampled(cell, now);
  }

  /** {@link CallPlan#sampled}. */
  boolean sampled(ThreadCells.Cell cell) {
    return plan.sampled(cell);
  }

  /** {@link #mayEmit} for a call that sampling kept already: expiry and the rate limit. */
  boolean mayEmitSampled(ThreadCells.Cell cell, long now) {
    if (now - expiresAtNanos > 0) {
      disable(expired());
      return false;
    }
    if (!limiter.tryAcquire(now)) {
      long drops = cell.drop();
      if (cell.shared) {
        overflow(now, 1);
      } else if ((drops & dropBatchMask) == 0) {
        overflow(now, dropBatchMask + 1);
      }
      return false;
    }
    return true;
  }

  private void overflow(long now, long drops) {
    long windowStart = dropWindowStart.get();
    if (now - windowStart > 1_000_000_000L && dropWindowStart.compareAndSet(windowStart, now)) {
      dropsInWindow.set(0);
    }
    long inWindow = dropsInWindow.addAndGet(drops);
    if (inWindow > (long) RATE_OVERFLOW_FACTOR * spec.ratePerSecond()) {
      disable(
          "ran over its rate limit of "
              + spec.ratePerSecond()
              + " events/s more than "
              + RATE_OVERFLOW_FACTOR
              + "-fold ("
              + inWindow
              + " events dropped within a second); act on fewer calls with --sample N or --when, "
              + "or raise --rate");
    }
  }

  private String expired() {
    return "expired after its time to live of "
        + describe(spec.timeToLive())
        + "; add it again with a longer --ttl";
  }

  /**
   * Charges an event's estimated size to this second's window; a probe that makes more than {@code
   * boundPerSecond} bytes of events a second turns itself off.
   *
   * @return false when the event is not to be kept: the probe just went over its bound
   */
  boolean madeEvent(long bytes, long now, long boundPerSecond) {
    long windowStart = bytesWindowStart.get();
    if (now - windowStart > 1_000_000_000L && bytesWindowStart.compareAndSet(windowStart, now)) {
      bytesInWindow.set(0);
    }
    long inWindow = bytesInWindow.addAndGet(bytes);
    if (inWindow > boundPerSecond) {
      disable(
          "made "
              + mebibytes(inWindow)
              + " of events within a second, above its bound of "
              + mebibytes(boundPerSecond)
              + "/s (the agent keeps "
              + mebibytes(2 * boundPerSecond)
              + " of events in all); log smaller values "
              + "(a field or a length rather than the whole object), or act on fewer calls with --sample N, --rate N or --when");
      return false;
    }
    return true;
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }

  /** Records a failure of the probe's own code; too many turn the probe off. */
  void failed(Throwable failure) {
    failed(failure.toString(), "its code failed " + MAX_FAILURES + " times; last: " + failure);
  }

  /**
   * Records that the {@code --when} condition threw; too many turn the probe off with a reason that
   * says which exception, where, and the types of the arguments it saw (a null argument is the
   * usual cause).
   */
  void conditionFailed(Throwable failure, String method, Object[] args) {
    if (failure instanceof RunawayGuard.Stopped stopped) {
      // The condition ran too long on application threads: the probe goes at once, and says why in
      // full.
      lastFailure = stopped.getMessage();
      disable(
          stopped.getMessage()
              + "; make the condition cheaper, or narrow the probe with --sample or --rate");
      return;
    }
    StackTraceElement[] frames = failure.getStackTrace();
    String where = frames.length == 0 ? "" : " at " + frames[0];
    String text = ValueRenderer.throwable(failure);
    failed(
        text,
        "its condition '"
            + spec.when()
            + "' threw "
            + MAX_FAILURES
            + " times; last: "
            + text
            + where
            + ", in "
            + method
            + " called with "
            + argumentTypes(args)
            + "; guard it (e.g. 'x != null && ...') or fix the expression");
  }

  private void failed(String failure, String reason) {
    lastFailure = failure;
    if (failures.incrementAndGet() >= MAX_FAILURES) {
      disable(reason);
    }
  }

  private static String argumentTypes(Object[] args) {
    if (args == null) {
      return "no arguments";
    }
    List<String> types = new ArrayList<>();
    for (Object arg : args) {
      types.add(arg == null ? "null" : arg.getClass().getName());
    }
    return "(" + String.join(", ", types) + ")";
  }

  /**
   * Checks the budgets that need a clock: expiry for probes that emit nothing, and the CPU share.
   */
  void checkBudget(long now, long ownNanosInWindow, long windowNanos) {
    if (now - expiresAtNanos > 0) {
      disable(expired());
      return;
    }
    double percent = 100.0 * ownNanosInWindow / Math.max(1, windowNanos);
    if (percent > spec.cpuPercent()) {
      disable(
          String.format(
              Locale.ROOT,
              "used %.1f%% of a CPU over %.1f s, above its cap of %.1f%%; act on fewer calls "
                  + "with --sample N, --rate N or --when, or raise the cap with --cpu",
              percent,
              windowNanos / 1e9,
              spec.cpuPercent()));
    }
  }

  void recordCaller(List<String> path, int weight) {
    String key = String.join(" <- ", path);
    LongAdder count = callers.get(key);
    if (count == null) {
      if (callers.size() >= MAX_CALLER_PATHS) {
        key = "(other paths)";
      }
      count = callers.computeIfAbsent(key, k -> new LongAdder());
    }
    count.add(weight);
  }

  /**
   * Turns the probe off; the first reason wins. Safe from any thread, including application ones.
   */
  void disable(String reason) {
    synchronized (this) {
      if (!active) {
        return;
      }
      disabledReason = reason;
      active = false;
    }
    onDisable.accept(this, reason);
  }

  /** Turns the probe off for removal, without it counting as a budget stop. */
  void deactivate() {
    active = false;
  }

  ProbeStatus status(List<ClassReport> installedIn) {
    ProbeState state =
        active
            ? (installedIn.isEmpty() ? ProbeState.WAITING : ProbeState.ACTIVE)
            : ProbeState.DISABLED;
    return new ProbeStatus(
        id,
        state,
        disabledReason,
        spec.effectiveJson(),
        author,
        createdAt,
        hits(),
        emitted.sum(),
        dropped(),
        sampledOut.sum() + cells.skips(),
        failures.get(),
        lastFailure,
        installedIn);
  }

  ProbeMetrics metrics() {
    LatencySnapshot timings = null;
    SortedMap<String, Long> byType = null;
    if (spec.kind() == ProbeSpec.Kind.METRICS) {
      timings = latency.snapshot();
      byType = new TreeMap<>();
      for (Map.Entry<String, LongAdder> thrown : exceptions.entrySet()) {
        byType.put(thrown.getKey(), thrown.getValue().sum());
      }
    }
    if (parts != null) {
      timings = latency.snapshot();
    }
    List<CallerPath> paths = null;
    if (spec.kind() == ProbeSpec.Kind.CALLERS) {
      paths = new ArrayList<>();
      for (Map.Entry<String, LongAdder> path : callers.entrySet()) {
        paths.add(new CallerPath(path.getKey(), path.getValue().sum()));
      }
    }
    return new ProbeMetrics(
        id,
        spec.selector().toString(),
        spec.kind().name().toLowerCase(Locale.ROOT),
        hits(),
        timings,
        byType,
        paths,
        parts == null ? null : parts.snapshot(cells));
  }

  static String describe(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds < 120 ? seconds + " s" : duration.toMinutes() + " min";
  }
}

package dev.jlive.agent.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One probe at run time: what it counts, what it emitted, and its budget.
 *
 * <p>The hot path (called from application threads through the dispatcher) only reads volatile
 * flags and bumps adders; a counting probe allocates nothing. A probe that runs over its budget
 * or keeps failing turns itself off at once ({@link #disable}) and leaves the removal of its
 * woven code to the engine's own thread, never to the application's.
 */
final class Probe {
  static final int MAX_FAILURES = 10;
  static final int RATE_OVERFLOW_FACTOR = 10;
  static final int MAX_CALLER_PATHS = 200;

  final String id;
  /** The application logger's name for this probe's lines. */
  final String loggerName;
  final ProbeSpec spec;
  final String author;
  final Instant createdAt = Instant.now();
  private final long expiresAtNanos;
  private final RateLimiter limiter;
  private final BiConsumer<Probe, String> onDisable;

  private volatile boolean active = true;
  private volatile String disabledReason;

  final LongAdder hits = new LongAdder();
  private final AtomicLong hitsForLimit = new AtomicLong();
  final LongAdder emitted = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder sampledOut = new LongAdder();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile String lastFailure;
  final LongAdder ownNanos = new LongAdder();
  private final AtomicLong dropWindowStart = new AtomicLong(System.nanoTime());
  private final AtomicLong dropsInWindow = new AtomicLong();

  final LatencyHistogram latency = new LatencyHistogram();
  final Map<String, LongAdder> exceptions = new ConcurrentHashMap<>();
  final Map<String, LongAdder> callers = new ConcurrentHashMap<>();

  Probe(String id, ProbeSpec spec, String author, BiConsumer<Probe, String> onDisable) {
    this.id = id;
    this.loggerName = "jlive.probe." + id;
    this.spec = spec;
    this.author = author;
    this.onDisable = onDisable;
    this.expiresAtNanos = System.nanoTime() + spec.timeToLive().toNanos();
    this.limiter = new RateLimiter(spec.ratePerSecond());
  }

  boolean isActive() {
    return active;
  }

  String disabledReason() {
    return disabledReason;
  }

  /** Counts a call; false when the probe is off or this call used up its hit budget. */
  boolean hit() {
    if (!active) {
      return false;
    }
    hits.increment();
    if (spec.maxHits() > 0 && hitsForLimit.incrementAndGet() > spec.maxHits()) {
      disable("reached its limit of " + spec.maxHits() + " calls");
      return false;
    }
    return true;
  }

  void exception(Throwable thrown) {
    exceptions.computeIfAbsent(thrown.getClass().getName(), name -> new LongAdder()).increment();
  }

  /**
   * Decides whether this call may emit an event: sampling, expiry and the rate limit, in the
   * order of their cost.
   */
  boolean mayEmit(long now) {
    if (spec.sampleOneIn() > 1 && ThreadLocalRandom.current().nextInt(spec.sampleOneIn()) != 0) {
      sampledOut.increment();
      return false;
    }
    if (now - expiresAtNanos > 0) {
      disable("expired after its time to live of " + describe(spec.timeToLive()));
      return false;
    }
    if (!limiter.tryAcquire(now)) {
      dropped.increment();
      overflow(now);
      return false;
    }
    return true;
  }

  private void overflow(long now) {
    long windowStart = dropWindowStart.get();
    if (now - windowStart > 1_000_000_000L && dropWindowStart.compareAndSet(windowStart, now)) {
      dropsInWindow.set(0);
    }
    long drops = dropsInWindow.incrementAndGet();
    if (drops > (long) RATE_OVERFLOW_FACTOR * spec.ratePerSecond()) {
      disable("ran over its rate limit of " + spec.ratePerSecond() + " events/s more than " + RATE_OVERFLOW_FACTOR
          + "-fold (" + drops + " events dropped within a second)");
    }
  }

  /** Records a failure of the probe's own code; too many turn the probe off. */
  void failed(Throwable failure) {
    lastFailure = failure.toString();
    if (failures.incrementAndGet() >= MAX_FAILURES) {
      disable("its code failed " + MAX_FAILURES + " times; last: " + failure);
    }
  }

  /** Checks the budgets that need a clock: expiry for probes that emit nothing, and the CPU share. */
  void checkBudget(long now, long ownNanosInWindow, long windowNanos) {
    if (now - expiresAtNanos > 0) {
      disable("expired after its time to live of " + describe(spec.timeToLive()));
      return;
    }
    double percent = 100.0 * ownNanosInWindow / Math.max(1, windowNanos);
    if (percent > spec.cpuPercent()) {
      disable(String.format(Locale.ROOT, "used %.1f%% of a CPU over %.1f s, above its cap of %.1f%%", percent,
          windowNanos / 1e9, spec.cpuPercent()));
    }
  }

  void recordCaller(List<String> path) {
    String key = String.join(" <- ", path);
    LongAdder count = callers.get(key);
    if (count == null) {
      if (callers.size() >= MAX_CALLER_PATHS) {
        key = "(other paths)";
      }
      count = callers.computeIfAbsent(key, k -> new LongAdder());
    }
    count.increment();
  }

  /** Turns the probe off; the first reason wins. Safe from any thread, including application ones. */
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

  Map<String, Object> toJson(List<Map<String, Object>> installedIn) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("state", active ? (installedIn.isEmpty() ? "waiting" : "active") : "disabled");
    if (disabledReason != null) {
      json.put("reason", disabledReason);
    }
    json.putAll(spec.toJson());
    json.put("author", author);
    json.put("createdAt", createdAt.toString());
    json.put("hits", hits.sum());
    json.put("emitted", emitted.sum());
    json.put("dropped", dropped.sum());
    json.put("sampledOut", sampledOut.sum());
    json.put("failures", failures.get());
    if (lastFailure != null) {
      json.put("lastFailure", lastFailure);
    }
    json.put("installedIn", installedIn);
    return json;
  }

  Map<String, Object> metricsJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("selector", spec.selector().toString());
    json.put("kind", spec.kind().name().toLowerCase(Locale.ROOT));
    json.put("calls", hits.sum());
    if (spec.kind() == ProbeSpec.Kind.METRICS) {
      json.put("latency", latency.toJson());
      Map<String, Object> byType = new LinkedHashMap<>();
      exceptions.forEach((type, count) -> byType.put(type, count.sum()));
      json.put("exceptions", byType);
    }
    if (spec.kind() == ProbeSpec.Kind.CALLERS) {
      List<Map<String, Object>> paths = new ArrayList<>();
      callers.forEach((path, count) -> {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("path", path);
        entry.put("calls", count.sum());
        paths.add(entry);
      });
      paths.sort((a, b) -> Long.compare((Long) b.get("calls"), (Long) a.get("calls")));
      json.put("callers", paths);
    }
    return json;
  }

  static String describe(java.time.Duration duration) {
    long seconds = duration.toSeconds();
    return seconds < 120 ? seconds + " s" : duration.toMinutes() + " min";
  }
}

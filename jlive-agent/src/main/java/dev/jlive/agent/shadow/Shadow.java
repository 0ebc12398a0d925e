package dev.jlive.agent.shadow;

import dev.jlive.protocol.shadow.ShadowReport;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One shadow run and what it has seen so far.
 *
 * <p>Differences are kept per kind (method, expected or not, the set of paths that differ), with a
 * count and the first example; noise is kept as a set of paths. The verdict is drawn when the
 * report is asked for, so a path found noisy late still leaves out the differences counted before.
 */
final class Shadow {
  /** Compared calls that also run the old body twice, before learning goes to one in ten. */
  static final int NOISE_WARMUP = 100;

  static final int NOISE_EVERY = 10;
  static final int MAX_KINDS = 200;
  static final int MAX_EXAMPLES = 10;
  static final int MAX_EXCEPTIONS = 5;

  final String id;
  final String author;
  final ShadowRequest request;
  final Instant startedAt = Instant.now();
  final Instant expiresAt;
  final long deadlineNanos;
  final List<ShadowSite> sites = new ArrayList<>();
  volatile String state = "running";
  volatile String endedWhy;

  final LongAdder sampled = new LongAdder();
  final LongAdder compared = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder candidateThrew = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder noiseRuns = new LongAdder();
  final LongAdder originalNanos = new LongAdder();
  final LongAdder candidateNanos = new LongAdder();
  final AtomicLong originalMax = new AtomicLong();
  final AtomicLong candidateMax = new AtomicLong();
  private final AtomicLong noiseTicket = new AtomicLong();
  final Set<String> noisyPaths = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<String, Kind> kinds = new ConcurrentHashMap<>();
  private final List<String> exceptions = new ArrayList<>();
  private volatile String lastFailure;

  /** One kind of difference: its count and its first example. */
  private record Kind(
      String method,
      Set<String> paths,
      boolean expected,
      LongAdder count,
      ShadowReport.Example first) {}

  Shadow(String id, String author, ShadowRequest request) {
    this.id = id;
    this.author = author;
    this.request = request;
    this.expiresAt = startedAt.plus(request.duration());
    this.deadlineNanos = System.nanoTime() + request.duration().toNanos();
  }

  boolean isRunning() {
    return state.equals("running");
  }

  /** Whether this compared call should also run the old body a second time. */
  boolean wantsNoiseRun() {
    if (!request.learnNoise()) {
      return false;
    }
    long ticket = noiseTicket.getAndIncrement();
    return ticket < NOISE_WARMUP || ticket % NOISE_EVERY == 0;
  }

  void recordLatency(long original, long candidate) {
    originalNanos.add(original);
    candidateNanos.add(candidate);
    originalMax.accumulateAndGet(original, Math::max);
    candidateMax.accumulateAndGet(candidate, Math::max);
  }

  void recordDifference(
      ShadowSite site, Set<String> paths, boolean expected, Object[] args, Outcome a, Outcome b) {
    String key = site.display() + "|" + expected + "|" + paths;
    Set<String> kept = paths;
    Kind kind = kinds.get(key);
    if (kind == null) {
      if (kinds.size() >= MAX_KINDS) {
        key = site.display() + "|" + expected + "|(more kinds)";
        kept = Set.of("(more kinds of differences than a report keeps)");
      }
      Set<String> kindPaths = Set.copyOf(kept);
      kind =
          kinds.computeIfAbsent(
              key,
              k ->
                  new Kind(
                      site.display(),
                      kindPaths,
                      expected,
                      new LongAdder(),
                      new ShadowReport.Example(
                          site.display(),
                          Outcome.text(args),
                          a.describe(),
                          b.describe(),
                          List.of(),
                          expected,
                          0)));
    }
    kind.count().increment();
  }

  void recordCandidateException(ShadowSite site, Object[] args, Throwable thrown) {
    candidateThrew.increment();
    synchronized (exceptions) {
      if (exceptions.size() < MAX_EXCEPTIONS) {
        StackTraceElement[] trace = thrown.getStackTrace();
        exceptions.add(
            site.display()
                + Outcome.text(args)
                + " threw "
                + thrown
                + (trace.length == 0 ? "" : " at " + trace[0]));
      }
    }
  }

  void recordFailure(String why) {
    failures.increment();
    lastFailure = why;
  }

  ShadowReport report() {
    long comparedCalls = compared.sum();
    long expected = 0;
    long unexpected = 0;
    List<ShadowReport.Example> examples = new ArrayList<>();
    for (Kind kind : kinds.values()) {
      Set<String> remaining = new TreeSet<>(kind.paths());
      remaining.removeAll(noisyPaths);
      long count = kind.count().sum();
      if (remaining.isEmpty()) {
        continue;
      }
      if (kind.expected()) {
        expected += count;
      } else {
        unexpected += count;
      }
      ShadowReport.Example first = kind.first();
      examples.add(
          new ShadowReport.Example(
              first.method(),
              first.arguments(),
              first.original(),
              first.candidate(),
              List.copyOf(remaining),
              kind.expected(),
              count));
    }
    examples.sort(
        Comparator.comparing(ShadowReport.Example::expected)
            .thenComparing(Comparator.comparingLong(ShadowReport.Example::calls).reversed()));
    List<String> thrown;
    synchronized (exceptions) {
      thrown = List.copyOf(exceptions);
    }
    return new ShadowReport(
        id,
        state,
        endedWhy,
        author,
        sites.stream().map(site -> site.type().getName() + "#" + site.display()).toList(),
        request.sampleEvery(),
        request.expect(),
        request.learnNoise(),
        startedAt,
        expiresAt,
        sampled.sum(),
        comparedCalls,
        comparedCalls - expected - unexpected,
        expected,
        unexpected,
        dropped.sum(),
        noiseRuns.sum(),
        List.copyOf(new TreeSet<>(noisyPaths)),
        candidateThrew.sum(),
        thrown,
        failures.sum(),
        lastFailure,
        micros(originalNanos.sum(), comparedCalls),
        micros(candidateNanos.sum(), comparedCalls),
        originalMax.get() / 1000.0,
        candidateMax.get() / 1000.0,
        examples.subList(0, Math.min(MAX_EXAMPLES, examples.size())));
  }

  private static double micros(long nanos, long calls) {
    return calls == 0 ? 0 : nanos / 1000.0 / calls;
  }
}

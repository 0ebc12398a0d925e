package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Does jlive leave a service as it found it after a long time of changes? The demo shop runs with
 * the agent loaded under its own load driver (another JVM) for {@code --duration} seconds, while a
 * churner adds and removes probes of every kind (count, metrics, log with a condition, capture,
 * callers) and applies and reverts the Pricing fix at a quiescent safe point, one cycle every
 * {@code --interval-ms}. Before (after a warm-up with the same churn, so that what loads once is
 * loaded) and after, the demo JVM is measured after two full GCs ({@code jcmd GC.run}): live
 * classes, metaspace, threads, heap. The run fails when a request failed, a change failed, or a
 * figure grew past its threshold; throughput is reported, never judged.
 */
public final class Soak {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.Soak [options]
        --agent JAR            jlive-agent.jar (default: ../../jlive-agent/target/jlive-agent.jar from this jar)
        --demo JAR             jlive-demo.jar (default: ../../jlive-demo/target/jlive-demo.jar from this jar)
        --source FILE          the demo's Pricing.java, with the bug (default: ../../jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java)
        --duration S           seconds of the measured soak (default 1800)
        --warmup S             seconds of churn and load before the first measurement (default 30)
        --threads T            load driver threads (default 8)
        --interval-ms M        one probe and one patch cycle every M ms (default 3000)
        --max-classes N        allowed growth of live classes (default 200)
        --max-threads N        allowed growth of live threads (default 2)
        --max-heap-mb N        allowed growth of the heap after GC (default 20)
        --max-jlive-heap-kb N  allowed growth of the bytes of jlive's own objects after GC (default 1024)
        --max-metaspace-mb N   allowed growth of metaspace used (default 20)
        --max-probe-slots N    allowed probe dispatcher slots at the end (default 64)
        A negative limit is reported, not judged.
        --changes WHAT         all, probes, patches or none: which changes the churner makes (default all; none is the
                               baseline: the same load, the agent loaded but idle)
        --demo-jvm-options O   more options for the demo JVM, split at spaces (e.g. -XX:NativeMemoryTracking=summary)
        --measure-every S      also measure the demo JVM every S seconds of the soak (default 0: only at start and end)

      At each measurement, jcmd VM.metaspace (and VM.native_memory summary, when tracking is on) is
      saved in the logs folder as metaspace-start.txt and metaspace-end.txt, and the part of metaspace
      "used" that is freed metadata awaiting reuse is printed; jcmd GC.class_histogram likewise as
      histogram-<label>.txt, and the classes whose instances grew most are printed. Each request the
      load driver got no answer to is printed with its reason and the changes under way at the time.""";
  private static final Pattern READY = Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final long TTL_MILLIS = Duration.ofHours(2).toMillis();

  /** The probes the churner cycles through: selector and the options of one kind each. */
  private static final List<ProbeSpec> PROBES =
      List.of(
          probe("dev.jlive.demo.http.Router#handle", ProbeSpec.Kind.COUNT).build(),
          probe("dev.jlive.demo.shop.PriceCache#priceOf", ProbeSpec.Kind.METRICS).build(),
          probe(PricingFix.METHOD, ProbeSpec.Kind.LOG)
              .template("quantity={quantity}")
              .when("quantity > 1")
              .build(),
          probe("dev.jlive.demo.shop.Quoter#quote", ProbeSpec.Kind.CAPTURE)
              .ratePerSecond(5)
              .build(),
          probe("dev.jlive.demo.shop.PriceCache#priceOf", ProbeSpec.Kind.CALLERS)
              .sampleOneIn(10)
              .build());

  /**
   * Which changes the churner makes: both kinds, or one alone to tell their costs apart, or none:
   * the same load with the agent idle, the baseline of what the demo itself grows by.
   */
  public enum Changes {
    ALL,
    PROBES,
    PATCHES,
    NONE;

    boolean probes() {
      return this == ALL || this == PROBES;
    }

    boolean patches() {
      return this == ALL || this == PATCHES;
    }

    static Changes parse(String value) {
      for (Changes changes : values()) {
        if (changes.name().equalsIgnoreCase(value)) {
          return changes;
        }
      }
      throw new IllegalArgumentException(
          "--changes must be all, probes, patches or none, not '" + value + "'");
    }
  }

  /**
   * Thresholds of growth between the two measurements; a negative one is reported, not judged.
   *
   * @param jliveHeapBytes the growth of the live bytes of jlive's own classes (agent and bridge)
   * @param probeSlots the probe dispatcher's table length at the end (not its growth): a freed slot
   *     is reused after 60 s, and a cycle lasts at least the interval, so at the default 3 s at
   *     most 21 probes' sites are in the table at once
   */
  public record Limits(
      long classes,
      long threads,
      long heapBytes,
      long jliveHeapBytes,
      long metaspaceBytes,
      long probeSlots) {
    public static final Limits DEFAULT = new Limits(200, 2, 20L << 20, 1L << 20, 20L << 20, 64);

    /**
     * Only what is shown to stay bounded (BENCHMARKS.md section 9): classes, threads, jlive's own
     * objects and probe slots. The heap as a whole grows with the demo's own data (its window of
     * recent orders, and the carts its deliberate bug 3 leaves open), as much with the agent idle;
     * metaspace grows while JIT profiles fill up, which a short run does not see the end of.
     */
    public static final Limits BOUNDED = new Limits(200, 2, -1, 1L << 20, -1, 64);
  }

  /**
   * One measurement of the demo JVM after full GCs.
   *
   * @param heapUsedBytes the live bytes of a {@code GC.class_histogram}
   * @param jliveHeapBytes the part of them in instances of jlive's own classes
   * @param probeSlots the length of the agent's probe dispatcher table ({@code GET /v1/info},
   *     agent.probeSlots)
   */
  public record Footprint(
      long liveClasses,
      long threads,
      long heapUsedBytes,
      long jliveHeapBytes,
      long metaspaceUsedBytes,
      long probeSlots) {
    Footprint minus(Footprint other) {
      return new Footprint(
          liveClasses - other.liveClasses,
          threads - other.threads,
          heapUsedBytes - other.heapUsedBytes,
          jliveHeapBytes - other.jliveHeapBytes,
          metaspaceUsedBytes - other.metaspaceUsedBytes,
          probeSlots - other.probeSlots);
    }
  }

  /** A measurement taken during the soak, {@code seconds} after it began. */
  public record Sample(long seconds, Footprint footprint) {}

  /** A change the churner made, from when it was asked for to when it was answered (wall clock). */
  record Activity(String what, long startMillis, long endMillis) {}

  /**
   * A request the load driver got no answer to, from its {@code load failed} line, with the changes
   * that were under way while it waited.
   */
  public record Unanswered(
      long atMillis,
      long afterMillis,
      String request,
      String reason,
      String detail,
      List<String> meanwhile) {
    private static final Pattern LINE =
        Pattern.compile(
            "load (failed|retried) at=(\\d+) after_ms=(\\d+) request=(.+?) reason=(\\S+) detail=(.*)");

    /** The requests that got no answer ({@code load failed} lines). */
    static List<Unanswered> in(List<String> driverOutput, List<Activity> activities) {
      return in(driverOutput, activities, "failed");
    }

    /**
     * The requests sent again because the driver's HTTP client dropped its own connection under
     * them ({@code load retried} lines): answered in the end, and listed apart.
     */
    static List<Unanswered> retriedIn(List<String> driverOutput, List<Activity> activities) {
      return in(driverOutput, activities, "retried");
    }

    private static List<Unanswered> in(
        List<String> driverOutput, List<Activity> activities, String kind) {
      List<Unanswered> found = new ArrayList<>();
      for (String line : driverOutput) {
        Matcher matcher = LINE.matcher(line);
        if (!matcher.matches() || !matcher.group(1).equals(kind)) {
          continue;
        }
        long at = Long.parseLong(matcher.group(2));
        long after = Long.parseLong(matcher.group(3));
        List<String> meanwhile = new ArrayList<>();
        synchronized (activities) {
          for (Activity activity : activities) {
            // Overlaps the request's wait, with a second's slack for the two JVMs' view of the
            // clock.
            if (activity.startMillis() <= at + 1000 && activity.endMillis() >= at - after - 1000) {
              meanwhile.add(
                  activity.what()
                      + " "
                      + clock(activity.startMillis())
                      + "-"
                      + clock(activity.endMillis()));
            }
          }
        }
        found.add(
            new Unanswered(
                at, after, matcher.group(4), matcher.group(5), matcher.group(6), meanwhile));
      }
      return found;
    }

    public String describe() {
      return String.format(
          Locale.ROOT,
          "%s %s: %s after %d ms (%s); changes under way: %s",
          clock(atMillis),
          request,
          reason,
          afterMillis,
          detail,
          meanwhile.isEmpty() ? "none" : String.join(", ", meanwhile));
    }
  }

  static String clock(long epochMillis) {
    return DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
        .format(Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC));
  }

  /** What the soak saw. {@link #problems()} is empty when it passed. */
  /**
   * @param deliberateErrors server errors the demo answers on purpose (its bug 3: checking out an
   *     empty cart), which the load driver also counts as failed requests
   * @param probeSlotsLeft the dispatcher's slots still issued once every probe was removed ({@code
   *     GET /v1/info}, agent.probeSlotsInUse): a removed probe that kept its slot shows here at the
   *     first cycle, however short the soak, where the table's length shows it only once more
   *     probes came and went than its limit
   */
  public record Result(
      LoadResult load,
      int deliberateErrors,
      int cycles,
      int probesAdded,
      int patchesApplied,
      List<String> changeFailures,
      int wrongTotals,
      List<String> errorsFromJlive,
      Footprint start,
      Footprint end,
      int probesLeft,
      int patchesLeft,
      long probeSlotsLeft,
      Limits limits,
      List<Unanswered> unanswered,
      List<Sample> samples,
      List<String> heapGrowth,
      List<Unanswered> retried) {
    /**
     * Requests that failed for another reason than the demo's deliberate bug: every request the
     * driver got no answer to, and the answers of 500 or more beyond the deliberate ones the demo
     * logged. Never negative: the two counts come from two processes, and the demo logs a
     * deliberate 500 whose answer the driver never counts (a worker stopped in the middle of it at
     * the end of the run, or a request sent again after the client dropped its connection). A count
     * of errors minus deliberate errors went to -1 that way, and an unanswered request beside such
     * a 500 would have been hidden.
     */
    public long failedRequests() {
      long noAnswer = Math.min(unanswered.size(), load.errors());
      return noAnswer + Math.max(0, load.errors() - noAnswer - deliberateErrors);
    }

    /** Deliberate 500s the demo logged whose answer the driver did not count. */
    public long deliberateErrorsNotCounted() {
      long noAnswer = Math.min(unanswered.size(), load.errors());
      return Math.max(0, deliberateErrors - (load.errors() - noAnswer));
    }

    public Footprint growth() {
      return end.minus(start);
    }

    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      Footprint growth = growth();
      if (failedRequests() > 0) {
        problems.add(
            failedRequests()
                + " requests failed (besides "
                + deliberateErrors
                + " deliberate server errors of the demo)"
                + (unanswered.isEmpty() ? "" : ", e.g. " + unanswered.get(0).describe()));
      }
      if (!errorsFromJlive.isEmpty()) {
        problems.add(
            errorsFromJlive.size()
                + " server errors thrown in jlive's code, e.g. "
                + errorsFromJlive.get(0));
      }
      if (!changeFailures.isEmpty()) {
        problems.add(changeFailures.size() + " changes failed, e.g. " + changeFailures.get(0));
      }
      if (wrongTotals > 0) {
        problems.add(wrongTotals + " checks saw the wrong code running");
      }
      if (probesLeft > 0 || patchesLeft > 0) {
        problems.add(
            probesLeft
                + " probes and "
                + patchesLeft
                + " patches still active after everything was removed");
      }
      if (probeSlotsLeft > 0) {
        problems.add(
            probeSlotsLeft + " probe dispatcher slots still in use after every probe was removed");
      }
      if (cycles == 0 && probesAdded + patchesApplied > 0) {
        problems.add("no change cycle ran");
      }
      if (over(growth.liveClasses(), limits.classes())) {
        problems.add(
            "live classes grew by " + growth.liveClasses() + " (limit " + limits.classes() + ")");
      }
      if (over(growth.threads(), limits.threads())) {
        problems.add("threads grew by " + growth.threads() + " (limit " + limits.threads() + ")");
      }
      if (over(growth.heapUsedBytes(), limits.heapBytes())) {
        problems.add(
            "heap after GC grew by "
                + mb(growth.heapUsedBytes())
                + " MB (limit "
                + mb(limits.heapBytes())
                + ")");
      }
      if (over(growth.jliveHeapBytes(), limits.jliveHeapBytes())) {
        problems.add(
            "jlive's own objects grew by "
                + mb(growth.jliveHeapBytes())
                + " MB (limit "
                + mb(limits.jliveHeapBytes())
                + ")");
      }
      if (over(growth.metaspaceUsedBytes(), limits.metaspaceBytes())) {
        problems.add(
            "metaspace grew by "
                + mb(growth.metaspaceUsedBytes())
                + " MB (limit "
                + mb(limits.metaspaceBytes())
                + ")");
      }
      if (over(end.probeSlots(), limits.probeSlots())) {
        problems.add(
            "the probe dispatcher has "
                + end.probeSlots()
                + " slots (limit "
                + limits.probeSlots()
                + ")");
      }
      return problems;
    }

    public String report() {
      Footprint growth = growth();
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "load: %.0f s, %d requests, %.1f rps, %d failed (besides %d deliberate server errors"
                  + " of the demo's bug 3), p50 %.1f ms, p99 %.1f ms%n",
              load.elapsedSeconds(),
              load.requests(),
              load.rps(),
              failedRequests(),
              deliberateErrors,
              load.p50Millis(),
              load.p99Millis()));
      out.append(
          String.format(
              Locale.ROOT,
              "changes: %d cycles, %d probes added and removed, %d patches applied and reverted,"
                  + " %d change failures, %d wrong totals, %d server errors from jlive; left active: %d probes, %d patches, %d probe slots%n",
              cycles,
              probesAdded,
              patchesApplied,
              changeFailures.size(),
              wrongTotals,
              errorsFromJlive.size(),
              probesLeft,
              patchesLeft,
              probeSlotsLeft));
      out.append(
          "| after full GC | start | end | growth | limit |\n| --- | ---: | ---: | ---: | ---: |\n");
      out.append(
          String.format(
              Locale.ROOT,
              "| live classes | %d | %d | %+d | %s |%n",
              start.liveClasses(),
              end.liveClasses(),
              growth.liveClasses(),
              limit(limits.classes(), 1)));
      out.append(
          String.format(
              Locale.ROOT,
              "| threads | %d | %d | %+d | %s |%n",
              start.threads(),
              end.threads(),
              growth.threads(),
              limit(limits.threads(), 1)));
      out.append(
          String.format(
              Locale.ROOT,
              "| heap used (MB) | %.1f | %.1f | %+.1f | %s |%n",
              mb(start.heapUsedBytes()),
              mb(end.heapUsedBytes()),
              mb(growth.heapUsedBytes()),
              limit(limits.heapBytes(), 1 << 20)));
      out.append(
          String.format(
              Locale.ROOT,
              "| of which jlive's own objects (KB) | %.1f | %.1f | %+.1f | %s |%n",
              kb(start.jliveHeapBytes()),
              kb(end.jliveHeapBytes()),
              kb(growth.jliveHeapBytes()),
              limit(limits.jliveHeapBytes(), 1 << 10)));
      out.append(
          String.format(
              Locale.ROOT,
              "| metaspace used (MB) | %.1f | %.1f | %+.1f | %s |%n",
              mb(start.metaspaceUsedBytes()),
              mb(end.metaspaceUsedBytes()),
              mb(growth.metaspaceUsedBytes()),
              limit(limits.metaspaceBytes(), 1 << 20)));
      out.append(
          String.format(
              Locale.ROOT,
              "| probe slots (limit on the end) | %d | %d | %+d | %s |%n",
              start.probeSlots(),
              end.probeSlots(),
              growth.probeSlots(),
              limit(limits.probeSlots(), 1)));
      if (!samples.isEmpty()) {
        out.append(
            "| during the soak (s) | live classes | threads | heap used (MB) | jlive's own (KB) | metaspace used (MB) | probe slots |\n"
                + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Sample sample : samples) {
          Footprint at = sample.footprint();
          out.append(
              String.format(
                  Locale.ROOT,
                  "| %d | %d | %d | %.1f | %.1f | %.1f | %d |%n",
                  sample.seconds(),
                  at.liveClasses(),
                  at.threads(),
                  mb(at.heapUsedBytes()),
                  kb(at.jliveHeapBytes()),
                  mb(at.metaspaceUsedBytes()),
                  at.probeSlots()));
        }
      }
      if (deliberateErrorsNotCounted() > 0) {
        out.append(deliberateErrorsNotCounted())
            .append(
                " of the deliberate server errors the demo logged were not counted by the driver"
                    + " (in flight when it stopped, or sent again): not failures\n");
      }
      heapGrowth.forEach(line -> out.append("heap growth: ").append(line).append('\n'));
      unanswered.forEach(
          failure -> out.append("unanswered: ").append(failure.describe()).append('\n'));
      if (!retried.isEmpty()) {
        out.append(retried.size())
            .append(
                " requests sent again because the driver's HTTP client dropped its own connection under"
                    + " them (answered in the end, not counted as failed):\n");
        retried.forEach(again -> out.append("retried: ").append(again.describe()).append('\n'));
      }
      changeFailures.stream()
          .limit(5)
          .forEach(failure -> out.append("change failure: ").append(failure).append('\n'));
      List<String> problems = problems();
      out.append(problems.isEmpty() ? "PASSED" : "FAILED: " + String.join("; ", problems))
          .append('\n');
      return out.toString();
    }
  }

  private static boolean over(long value, long limit) {
    return limit >= 0 && value > limit;
  }

  private static String limit(long limit, long unit) {
    return limit < 0 ? "not judged" : Long.toString(limit / unit);
  }

  private static double kb(long bytes) {
    return bytes / 1024.0;
  }

  private final Path agent;
  private final Path demo;
  private final Path work;
  private final int threads;
  private final long intervalMillis;
  private final PatchRequest patchBody;
  private Changes changes = Changes.ALL;
  private List<String> demoJvmOptions = List.of();
  private int measureEverySeconds;
  private ForkedJvm service;
  private AgentEndpoint endpoint;
  private DemoClient shop;
  private String cart;
  private int port;

  public Soak(
      Path agent, Path demo, Path pricingSource, Path work, int threads, long intervalMillis)
      throws IOException {
    this.agent = agent;
    this.demo = demo;
    this.work = work;
    this.threads = threads;
    this.intervalMillis = intervalMillis;
    this.patchBody =
        PricingFix.prepare(pricingSource, demo, work).patchRequest(true, "quiescent", false);
  }

  /** Makes only some of the changes (all by default). */
  public Soak changes(Changes which) {
    this.changes = which;
    return this;
  }

  /**
   * Also measures the demo JVM every so many seconds of the soak (0: only at its start and end).
   */
  public Soak measureEvery(int seconds) {
    this.measureEverySeconds = seconds;
    return this;
  }

  /** Adds options to the demo JVM's command line (before {@code -jar}). */
  public Soak demoJvmOptions(List<String> options) {
    this.demoJvmOptions = List.copyOf(options);
    return this;
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options;
    Path agent;
    Path demo;
    Path source;
    Changes changes;
    try {
      options =
          DriverOptions.parse(
              args,
              Set.of(
                  "agent",
                  "demo",
                  "source",
                  "duration",
                  "warmup",
                  "threads",
                  "interval-ms",
                  "max-classes",
                  "max-threads",
                  "max-heap-mb",
                  "max-jlive-heap-kb",
                  "max-metaspace-mb",
                  "max-probe-slots",
                  "changes",
                  "demo-jvm-options",
                  "measure-every"),
              USAGE);
      agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
      source = options.file("source", PricingFix.SOURCE_PATH);
      changes = Changes.parse(options.string("changes", "all"));
    } catch (IllegalArgumentException e) {
      System.err.println("Soak: " + e.getMessage());
      System.exit(2);
      return;
    }
    Limits limits =
        new Limits(
            options.integer("max-classes", 200),
            options.integer("max-threads", 2),
            (long) options.integer("max-heap-mb", 20) << 20,
            (long) options.integer("max-jlive-heap-kb", 1024) << 10,
            (long) options.integer("max-metaspace-mb", 20) << 20,
            options.integer("max-probe-slots", 64));
    int duration = options.integer("duration", 1800);
    int warmup = options.integer("warmup", 30);
    Path work = Files.createTempDirectory("jlive-bench-soak");
    String extra = options.string("demo-jvm-options", "").strip();
    Soak soak =
        new Soak(
                agent,
                demo,
                source,
                work,
                options.integer("threads", 8),
                options.integer("interval-ms", 3000))
            .changes(changes)
            .demoJvmOptions(extra.isEmpty() ? List.of() : List.of(extra.split("\\s+")))
            .measureEvery(
                options.string("measure-every", null) == null
                    ? 0
                    : options.integer("measure-every", 1));
    System.out.printf(
        Locale.ROOT,
        "soak: %d s under load (%d threads) after %d s of warm-up; a change cycle (%s) every %d ms%n",
        duration,
        soak.threads,
        warmup,
        changes.name().toLowerCase(Locale.ROOT),
        soak.intervalMillis);
    System.out.println("logs: " + work);
    Result result = soak.run(warmup, duration, limits);
    System.out.print(result.report());
    System.exit(result.problems().isEmpty() ? 0 : 1);
  }

  /** Starts the demo, warms it up, soaks it, measures, and stops it. */
  public Result run(int warmupSeconds, int durationSeconds, Limits limits)
      throws IOException, InterruptedException {
    try {
      startService();
      Churn warm = load(warmupSeconds, 0);
      if (!warm.failures.isEmpty()
          || warm.load.errors() > warm.serverErrors.all()
          || !warm.serverErrors.fromJlive().isEmpty()) {
        throw new IOException(
            "the warm-up already failed: "
                + warm.load.errors()
                + " failed requests ("
                + warm.serverErrors.all()
                + " logged server errors, from jlive: "
                + warm.serverErrors.fromJlive()
                + ", unanswered: "
                + warm.unanswered.stream().map(Unanswered::describe).toList()
                + "), changes: "
                + warm.failures);
      }
      Footprint start = footprint("start");
      String histogramAtStart = lastHistogram;
      Churn soak = load(durationSeconds, measureEverySeconds);
      int probesLeft = endpoint.listProbes().probes().size();
      int patchesLeft = endpoint.listPatches().patches().size();
      long probeSlotsLeft = endpoint.info().agent().probeSlotsInUse();
      Footprint end = footprint("end");
      PatchUnderLoad.ServerErrors errors = soak.serverErrors;
      return new Result(
          soak.load,
          errors.all() - errors.fromJlive().size(),
          soak.cycles,
          soak.probesAdded,
          soak.patchesApplied,
          soak.failures,
          soak.wrongTotals,
          errors.fromJlive(),
          start,
          end,
          probesLeft,
          patchesLeft,
          probeSlotsLeft,
          limits,
          soak.unanswered,
          soak.samples,
          histogramGrowth(histogramAtStart, lastHistogram, 8),
          soak.retried);
    } finally {
      if (service != null) {
        service.close();
      }
    }
  }

  private void startService() throws IOException, InterruptedException {
    Path runtimeDir = Files.createDirectories(work.resolve("runtime"));
    // Every server error on standard error (see PatchUnderLoad), so those thrown in jlive's code
    // are counted.
    Path logging =
        Files.writeString(
            work.resolve("logging.properties"),
            String.join(
                "\n",
                "handlers=java.util.logging.ConsoleHandler",
                ".level=INFO",
                "java.util.logging.ConsoleHandler.level=FINE",
                "dev.jlive.demo.http.ErrorFence.level=FINE",
                ""));
    List<String> command =
        new ArrayList<>(
            List.of(
                "-javaagent:" + agent + "=quiet",
                "-Djlive.runtimeDir=" + runtimeDir,
                "-Xmx256m",
                "-Djava.util.logging.config.file=" + logging,
                "-D" + DemoLoadRun.NODELAY + "=true"));
    command.addAll(demoJvmOptions);
    command.addAll(List.of("-jar", demo.toString(), "--port", "0"));
    service = ForkedJvm.start("jlive-demo", command, demoStderr());
    Matcher ready = service.awaitLine(READY, Duration.ofSeconds(60));
    port = Integer.parseInt(ready.group(1));
    endpoint = AgentEndpoint.await(runtimeDir, service.pid(), Duration.ofSeconds(30));
    shop = new DemoClient(port);
    cart = shop.bulkCart();
  }

  private Path demoStderr() {
    return work.resolve("demo.stderr");
  }

  /** What one load run with the churner beside it saw. */
  private static final class Churn {
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final List<Activity> activities = Collections.synchronizedList(new ArrayList<>());
    final List<Sample> samples = new ArrayList<>();
    List<Unanswered> unanswered = List.of();
    List<Unanswered> retried = List.of();
    volatile int cycles;
    volatile int probesAdded;
    volatile int patchesApplied;
    volatile int wrongTotals;
    LoadResult load;

    /** The server errors the demo logged during this run. */
    PatchUnderLoad.ServerErrors serverErrors;
  }

  private Churn load(int seconds, int measureEvery) throws IOException, InterruptedException {
    Churn churn = new Churn();
    long logBefore = Files.size(demoStderr());
    try (ForkedJvm driver =
        ForkedJvm.start(
            "load driver",
            List.of(
                "-jar",
                demo.toString(),
                "--load-target",
                "http://127.0.0.1:" + port,
                "--duration",
                String.valueOf(seconds),
                "--threads",
                String.valueOf(threads)),
            work.resolve("load.stderr"))) {
      Churner churner = new Churner(churn);
      Thread thread = new Thread(churner, "jlive-bench-churner");
      thread.setDaemon(true);
      thread.start();
      int exit;
      try {
        long began = System.nanoTime();
        for (int at = measureEvery; measureEvery > 0 && at < seconds; at += measureEvery) {
          // A driver, not a test: the measurements are due at fixed points of the run.
          long due = began + TimeUnit.SECONDS.toNanos(at);
          long left;
          while ((left = due - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
          }
          churn.samples.add(new Sample(at, footprint("at-" + at + "s")));
        }
        exit = driver.awaitExit(Duration.ofSeconds(seconds + 120L));
      } finally {
        churner.stop = true;
        thread.join();
      }
      if (exit != 0) {
        throw new IOException(
            "the load driver exited with " + exit + "; see " + work.resolve("load.stderr"));
      }
      churn.load = LoadResult.of(driver.output());
      churn.unanswered = Unanswered.in(driver.output(), churn.activities);
      churn.retried = Unanswered.retriedIn(driver.output(), churn.activities);
    }
    // The demo logs a server error before answering it, so every failed request's line is there by
    // now.
    byte[] log = Files.readAllBytes(demoStderr());
    churn.serverErrors =
        PatchUnderLoad.ServerErrors.in(
            new String(
                log,
                (int) Math.min(logBefore, log.length),
                (int) Math.max(0, log.length - logBefore),
                StandardCharsets.UTF_8));
    return churn;
  }

  /**
   * One cycle per interval: a probe in, the patch in, both checked, both out; leaves nothing
   * behind.
   */
  private final class Churner implements Runnable {
    private final Churn churn;
    volatile boolean stop;

    Churner(Churn churn) {
      this.churn = churn;
    }

    @Override
    public void run() {
      for (int cycle = 0; !stop; cycle++) {
        long start = System.nanoTime();
        String probe = changes.probes() ? addProbe(PROBES.get(cycle % PROBES.size())) : null;
        String patch = changes.patches() ? apply() : null;
        pause(start, intervalMillis / 2);
        if (probe != null) {
          remove(probe);
        }
        if (patch != null) {
          revert(patch);
        }
        churn.cycles++;
        pause(start, intervalMillis);
      }
    }

    private void pause(long since, long millis) {
      try {
        long left;
        while (!stop
            && (left = millis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)) > 0) {
          Thread.sleep(Math.min(left, 50));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop = true;
      }
    }

    private String addProbe(ProbeSpec spec) {
      long started = System.currentTimeMillis();
      try {
        String id = endpoint.addProbeEverywhere(spec);
        churn.probesAdded++;
        return id;
      } catch (IOException | RuntimeException e) {
        churn.failures.add(
            "probe "
                + JsonObject.wireName(spec.kind())
                + " "
                + spec.selector()
                + ": "
                + e.getMessage());
        return null;
      } finally {
        done("probe add (" + JsonObject.wireName(spec.kind()) + ")", started);
      }
    }

    private void remove(String id) {
      long started = System.currentTimeMillis();
      try {
        endpoint.removeProbe(id);
      } catch (IOException | RuntimeException e) {
        churn.failures.add("remove probe " + id + ": " + e.getMessage());
      } finally {
        done("probe remove", started);
      }
    }

    private String apply() {
      long started = System.currentTimeMillis();
      try {
        String id = endpoint.applyPatch(patchBody).id();
        churn.patchesApplied++;
        check(DemoClient.FIXED_TOTAL);
        return id;
      } catch (IOException | RuntimeException e) {
        churn.failures.add("apply: " + e.getMessage());
        return null;
      } finally {
        done("patch apply", started);
      }
    }

    private void revert(String id) {
      long started = System.currentTimeMillis();
      try {
        endpoint.revertPatch(id);
        check(DemoClient.BUGGY_TOTAL);
      } catch (IOException | RuntimeException e) {
        churn.failures.add("revert " + id + ": " + e.getMessage());
      } finally {
        done("patch revert", started);
      }
    }

    private void done(String what, long startedMillis) {
      churn.activities.add(new Activity(what, startedMillis, System.currentTimeMillis()));
    }

    private void check(long expected) throws IOException {
      if (shop.total(cart) != expected) {
        churn.wrongTotals++;
      }
    }
  }

  /**
   * The demo JVM after two full GCs, through jcmd; the heap is the live bytes of the histogram.
   * Live classes are the {@code java.lang.Class} objects on the heap: the JVM's own counters count
   * every retransformation as a class load (the redefinition's scratch class) and never count the
   * release of the previous version as an unload, so they grow by one per probe added or removed
   * even when nothing leaks.
   */
  private Footprint footprint(String label) throws IOException, InterruptedException {
    jcmd("GC.run");
    jcmd("GC.run");
    long freed = freedMetaspace(saveMetaspaceDetails(label));
    System.out.printf(
        Locale.ROOT,
        "metaspace at %s: %.1f MB of 'used' is freed metadata the JVM will reuse (jcmd VM.metaspace)%n",
        label,
        mb(freed));
    Map<String, Long> counters = new HashMap<>(); // looked up by name
    for (String line : jcmd("PerfCounter.print").split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        try {
          counters.put(
              line.substring(0, equals).trim(), Long.parseLong(line.substring(equals + 1).trim()));
        } catch (NumberFormatException notANumber) {
          // String counters (names, flags) are not needed here.
        }
      }
    }
    // The histogram's own full GC counts live objects only: the heap's "used" read after a GC
    // under load would also count whatever the load allocated since.
    String histogram = jcmd("GC.class_histogram");
    long heap = liveBytes(histogram);
    long jliveHeap = jliveBytes(histogram);
    Files.writeString(work.resolve("histogram-" + label + ".txt"), histogram);
    lastHistogram = histogram;
    return new Footprint(
        classMirrors(histogram),
        counter(counters, "java.threads.live"),
        heap,
        jliveHeap,
        counter(counters, "sun.gc.metaspace.used"),
        probeSlots());
  }

  /** The last {@code GC.class_histogram} taken, to compare the end with the start. */
  private String lastHistogram = "";

  /** The agent's probe dispatcher table length, or 0 when the agent does not report it. */
  private long probeSlots() throws IOException {
    return endpoint.info().agent().probeSlots();
  }

  private static final Pattern HISTOGRAM_LINE =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s.*)?$");

  /**
   * The classes whose instances' bytes grew most between two {@code GC.class_histogram}s, and the
   * growth of jlive's own classes (the agent's, its shaded libraries', the bridge's) together:
   * shared types (strings, arrays, maps) cannot be told apart by owner, jlive's own can.
   */
  static List<String> histogramGrowth(String before, String after, int top) {
    Map<String, long[]> then = histogram(before);
    Map<String, long[]> now = histogram(after);
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    Set<String> types = new LinkedHashSet<>(now.keySet());
    types.addAll(then.keySet());
    long[] jlive = new long[2];
    for (String type : types) {
      long[] old = then.getOrDefault(type, new long[2]);
      long[] current = now.getOrDefault(type, new long[2]);
      long[] growth = {current[0] - old[0], current[1] - old[1]};
      grown.add(Map.entry(type, growth));
      if (isJlive(type)) {
        jlive[0] += growth[0];
        jlive[1] += growth[1];
      }
    }
    grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    List<String> lines =
        new ArrayList<>(
            grown.stream()
                .limit(top)
                .filter(entry -> entry.getValue()[1] > 0)
                .map(
                    entry ->
                        String.format(
                            Locale.ROOT,
                            "%s %+d instances, %+d bytes",
                            entry.getKey(),
                            entry.getValue()[0],
                            entry.getValue()[1]))
                .toList());
    lines.add(
        String.format(
            Locale.ROOT,
            "jlive's own classes (dev.jlive.agent.*, dev.jlive.bridge.*) %+d instances, %+d bytes",
            jlive[0],
            jlive[1]));
    return lines;
  }

  /** The agent's classes, its shaded libraries and the bridge, and arrays of them. */
  static boolean isJlive(String type) {
    String element = type.replaceFirst("^\\[+L", "");
    return element.startsWith("dev.jlive.agent.") || element.startsWith("dev.jlive.bridge.");
  }

  /** The bytes of instances of jlive's own classes in a {@code GC.class_histogram}. */
  static long jliveBytes(String histogram) {
    return histogram(histogram).entrySet().stream()
        .filter(entry -> isJlive(entry.getKey()))
        .mapToLong(entry -> entry.getValue()[1])
        .sum();
  }

  private static Map<String, long[]> histogram(String text) {
    Map<String, long[]> counts = new HashMap<>(); // looked up by type; growth is sorted after
    for (String line : text.split("\n")) {
      Matcher matcher = HISTOGRAM_LINE.matcher(line);
      if (matcher.matches()) {
        counts.put(
            matcher.group(3),
            new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))});
      }
    }
    return counts;
  }

  /**
   * Where metaspace goes, for reading by hand: by loader and kind of loader, and native memory when
   * tracked.
   */
  private String saveMetaspaceDetails(String label) throws IOException, InterruptedException {
    StringBuilder details = new StringBuilder(jcmd("VM.metaspace show-loaders by-spacetype"));
    if (demoJvmOptions.stream()
        .anyMatch(
            option -> option.startsWith("-XX:NativeMemoryTracking=") && !option.endsWith("=off"))) {
      details.append("\n").append(jcmd("VM.native_memory summary"));
    }
    Files.writeString(work.resolve("metaspace-" + label + ".txt"), details);
    return details.toString();
  }

  private static final Pattern FREED =
      Pattern.compile("Deallocated from chunks in use:\\s+([\\d.]+) (bytes|KB|MB|GB)");

  /**
   * The metadata the JVM freed but still counts in metaspace "used" (replaced class versions wait
   * in their loader's free list for reuse), from {@code jcmd VM.metaspace}; 0 when not shown.
   */
  static long freedMetaspace(String vmMetaspace) {
    Matcher matcher = FREED.matcher(vmMetaspace);
    if (!matcher.find()) {
      return 0;
    }
    double value = Double.parseDouble(matcher.group(1));
    int shift =
        switch (matcher.group(2)) {
          case "KB" -> 10;
          case "MB" -> 20;
          case "GB" -> 30;
          default -> 0;
        };
    return Math.round(value * (1L << shift));
  }

  private static final Pattern CLASS_MIRRORS =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+java\\.lang\\.Class(?:\\s.*)?$");

  private static final Pattern TOTAL =
      Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$", Pattern.MULTILINE);

  /** The bytes of all live objects in a {@code GC.class_histogram} (its Total line). */
  static long liveBytes(String histogram) throws IOException {
    Matcher matcher = TOTAL.matcher(histogram);
    if (!matcher.find()) {
      throw new IOException("jcmd GC.class_histogram has no Total line");
    }
    return Long.parseLong(matcher.group(1));
  }

  /** The number of {@code java.lang.Class} objects in a {@code GC.class_histogram}. */
  static long classMirrors(String histogram) throws IOException {
    for (String line : histogram.split("\n")) {
      Matcher matcher = CLASS_MIRRORS.matcher(line);
      if (matcher.matches()) {
        return Long.parseLong(matcher.group(1));
      }
    }
    throw new IOException("jcmd GC.class_histogram lists no java.lang.Class");
  }

  private static long counter(Map<String, Long> counters, String name) throws IOException {
    Long value = counters.get(name);
    if (value == null) {
      throw new IOException("jcmd PerfCounter.print has no " + name + "; is -XX:-UsePerfData set?");
    }
    return value;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
    List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(service.pid())));
    line.addAll(List.of(command.split(" ")));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + output);
    }
    return output;
  }

  private static ProbeSpec.Builder probe(String selector, ProbeSpec.Kind kind) {
    return ProbeSpec.builder(selector, kind)
        .cpuPercent(100.0)
        .timeToLive(Duration.ofMillis(TTL_MILLIS))
        .waitForClass(true);
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}

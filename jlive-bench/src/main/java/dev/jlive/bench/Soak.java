package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
  static final String USAGE = """
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
        --max-metaspace-mb N   allowed growth of metaspace used (default 20)
        --changes WHAT         all, probes or patches: which changes the churner makes (default all)
        --demo-jvm-options O   more options for the demo JVM, split at spaces (e.g. -XX:NativeMemoryTracking=summary)

      At each measurement, jcmd VM.metaspace (and VM.native_memory summary, when tracking is on) is
      saved in the logs folder as metaspace-start.txt and metaspace-end.txt, and the part of metaspace
      "used" that is freed metadata awaiting reuse is printed.""";
  private static final Pattern READY = Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final long TTL_MILLIS = Duration.ofHours(2).toMillis();
  /** The probes the churner cycles through: selector and the options of one kind each. */
  private static final List<ProbeSpec> PROBES = List.of(
      probe("dev.jlive.demo.http.Router#handle", ProbeSpec.Kind.COUNT).build(),
      probe("dev.jlive.demo.shop.PriceCache#priceOf", ProbeSpec.Kind.METRICS).build(),
      probe(PricingFix.METHOD, ProbeSpec.Kind.LOG).template("quantity={quantity}").when("quantity > 1").build(),
      probe("dev.jlive.demo.shop.Quoter#quote", ProbeSpec.Kind.CAPTURE).ratePerSecond(5).build(),
      probe("dev.jlive.demo.shop.PriceCache#priceOf", ProbeSpec.Kind.CALLERS).sampleOneIn(10).build());

  /** Which changes the churner makes: both kinds, or one alone to tell their costs apart. */
  public enum Changes {
    ALL, PROBES, PATCHES;

    boolean probes() {
      return this != PATCHES;
    }

    boolean patches() {
      return this != PROBES;
    }

    static Changes parse(String value) {
      for (Changes changes : values()) {
        if (changes.name().equalsIgnoreCase(value)) {
          return changes;
        }
      }
      throw new IllegalArgumentException("--changes must be all, probes or patches, not '" + value + "'");
    }
  }

  /** Thresholds of growth between the two measurements. */
  public record Limits(long classes, long threads, long heapBytes, long metaspaceBytes) {
    public static final Limits DEFAULT = new Limits(200, 2, 20L << 20, 20L << 20);
  }

  /** One measurement of the demo JVM after full GCs. */
  public record Footprint(long liveClasses, long threads, long heapUsedBytes, long metaspaceUsedBytes) {
    Footprint minus(Footprint other) {
      return new Footprint(liveClasses - other.liveClasses, threads - other.threads, heapUsedBytes - other.heapUsedBytes,
          metaspaceUsedBytes - other.metaspaceUsedBytes);
    }
  }

  /** What the soak saw. {@link #problems()} is empty when it passed. */
  /**
   * @param deliberateErrors server errors the demo answers on purpose (its bug 3: checking out an
   *     empty cart), which the load driver also counts as failed requests
   */
  public record Result(LoadResult load, int deliberateErrors, int cycles, int probesAdded, int patchesApplied, List<String> changeFailures,
      int wrongTotals, List<String> errorsFromJlive, Footprint start, Footprint end, int probesLeft, int patchesLeft, Limits limits) {
    /** Requests that failed for another reason than the demo's deliberate bug. */
    public long failedRequests() {
      return load.errors() - deliberateErrors;
    }

    public Footprint growth() {
      return end.minus(start);
    }

    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      Footprint growth = growth();
      if (failedRequests() > 0) {
        problems.add(failedRequests() + " requests failed (besides " + deliberateErrors + " deliberate server errors of the demo)");
      }
      if (!errorsFromJlive.isEmpty()) {
        problems.add(errorsFromJlive.size() + " server errors thrown in jlive's code, e.g. " + errorsFromJlive.get(0));
      }
      if (!changeFailures.isEmpty()) {
        problems.add(changeFailures.size() + " changes failed, e.g. " + changeFailures.get(0));
      }
      if (wrongTotals > 0) {
        problems.add(wrongTotals + " checks saw the wrong code running");
      }
      if (probesLeft > 0 || patchesLeft > 0) {
        problems.add(probesLeft + " probes and " + patchesLeft + " patches still active after everything was removed");
      }
      if (cycles == 0) {
        problems.add("no change cycle ran");
      }
      if (growth.liveClasses() > limits.classes()) {
        problems.add("live classes grew by " + growth.liveClasses() + " (limit " + limits.classes() + ")");
      }
      if (growth.threads() > limits.threads()) {
        problems.add("threads grew by " + growth.threads() + " (limit " + limits.threads() + ")");
      }
      if (growth.heapUsedBytes() > limits.heapBytes()) {
        problems.add("heap after GC grew by " + mb(growth.heapUsedBytes()) + " MB (limit " + mb(limits.heapBytes()) + ")");
      }
      if (growth.metaspaceUsedBytes() > limits.metaspaceBytes()) {
        problems.add("metaspace grew by " + mb(growth.metaspaceUsedBytes()) + " MB (limit " + mb(limits.metaspaceBytes()) + ")");
      }
      return problems;
    }

    public String report() {
      Footprint growth = growth();
      StringBuilder out = new StringBuilder();
      out.append(String.format(Locale.ROOT, "load: %.0f s, %d requests, %.1f rps, %d failed (besides %d deliberate server errors"
          + " of the demo's bug 3), p50 %.1f ms, p99 %.1f ms%n", load.elapsedSeconds(), load.requests(), load.rps(), failedRequests(),
          deliberateErrors, load.p50Millis(), load.p99Millis()));
      out.append(String.format(Locale.ROOT, "changes: %d cycles, %d probes added and removed, %d patches applied and reverted,"
          + " %d change failures, %d wrong totals, %d server errors from jlive; left active: %d probes, %d patches%n", cycles,
          probesAdded, patchesApplied, changeFailures.size(), wrongTotals, errorsFromJlive.size(), probesLeft, patchesLeft));
      out.append("| after full GC | start | end | growth | limit |\n| --- | ---: | ---: | ---: | ---: |\n");
      out.append(String.format(Locale.ROOT, "| live classes | %d | %d | %+d | %d |%n", start.liveClasses(), end.liveClasses(),
          growth.liveClasses(), limits.classes()));
      out.append(String.format(Locale.ROOT, "| threads | %d | %d | %+d | %d |%n", start.threads(), end.threads(), growth.threads(),
          limits.threads()));
      out.append(String.format(Locale.ROOT, "| heap used (MB) | %.1f | %.1f | %+.1f | %.0f |%n", mb(start.heapUsedBytes()),
          mb(end.heapUsedBytes()), mb(growth.heapUsedBytes()), mb(limits.heapBytes())));
      out.append(String.format(Locale.ROOT, "| metaspace used (MB) | %.1f | %.1f | %+.1f | %.0f |%n", mb(start.metaspaceUsedBytes()),
          mb(end.metaspaceUsedBytes()), mb(growth.metaspaceUsedBytes()), mb(limits.metaspaceBytes())));
      changeFailures.stream().limit(5).forEach(failure -> out.append("change failure: ").append(failure).append('\n'));
      List<String> problems = problems();
      out.append(problems.isEmpty() ? "PASSED" : "FAILED: " + String.join("; ", problems)).append('\n');
      return out.toString();
    }
  }

  private final Path agent;
  private final Path demo;
  private final Path work;
  private final int threads;
  private final long intervalMillis;
  private final Map<String, Object> patchBody;
  private Changes changes = Changes.ALL;
  private List<String> demoJvmOptions = List.of();
  private ForkedJvm service;
  private AgentEndpoint endpoint;
  private DemoClient shop;
  private String cart;
  private int port;

  public Soak(Path agent, Path demo, Path pricingSource, Path work, int threads, long intervalMillis) throws IOException {
    this.agent = agent;
    this.demo = demo;
    this.work = work;
    this.threads = threads;
    this.intervalMillis = intervalMillis;
    this.patchBody = PricingFix.prepare(pricingSource, demo, work).patchRequest(true, "quiescent", false);
  }

  /** Makes only some of the changes (all by default). */
  public Soak changes(Changes which) {
    this.changes = which;
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
      options = DriverOptions.parse(args, Set.of("agent", "demo", "source", "duration", "warmup", "threads", "interval-ms", "max-classes",
          "max-threads", "max-heap-mb", "max-metaspace-mb", "changes", "demo-jvm-options"), USAGE);
      agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
      source = options.file("source", PricingFix.SOURCE_PATH);
      changes = Changes.parse(options.string("changes", "all"));
    } catch (IllegalArgumentException e) {
      System.err.println("Soak: " + e.getMessage());
      System.exit(2);
      return;
    }
    Limits limits = new Limits(options.integer("max-classes", 200), options.integer("max-threads", 2),
        (long) options.integer("max-heap-mb", 20) << 20, (long) options.integer("max-metaspace-mb", 20) << 20);
    int duration = options.integer("duration", 1800);
    int warmup = options.integer("warmup", 30);
    Path work = Files.createTempDirectory("jlive-bench-soak");
    String extra = options.string("demo-jvm-options", "").strip();
    Soak soak = new Soak(agent, demo, source, work, options.integer("threads", 8), options.integer("interval-ms", 3000))
        .changes(changes).demoJvmOptions(extra.isEmpty() ? List.of() : List.of(extra.split("\\s+")));
    System.out.printf(Locale.ROOT, "soak: %d s under load (%d threads) after %d s of warm-up; a change cycle (%s) every %d ms%n",
        duration, soak.threads, warmup, changes.name().toLowerCase(Locale.ROOT), soak.intervalMillis);
    System.out.println("logs: " + work);
    Result result = soak.run(warmup, duration, limits);
    System.out.print(result.report());
    System.exit(result.problems().isEmpty() ? 0 : 1);
  }

  /** Starts the demo, warms it up, soaks it, measures, and stops it. */
  public Result run(int warmupSeconds, int durationSeconds, Limits limits) throws IOException, InterruptedException {
    try {
      startService();
      Churn warm = load(warmupSeconds);
      if (!warm.failures.isEmpty() || warm.load.errors() > warm.serverErrors.all() || !warm.serverErrors.fromJlive().isEmpty()) {
        throw new IOException("the warm-up already failed: " + warm.load.errors() + " failed requests (" + warm.serverErrors.all()
            + " logged server errors, from jlive: " + warm.serverErrors.fromJlive() + "), changes: " + warm.failures);
      }
      Footprint start = footprint("start");
      Churn soak = load(durationSeconds);
      int probesLeft = listed(endpoint.listProbes(), "probes");
      int patchesLeft = listed(endpoint.listPatches(), "patches");
      Footprint end = footprint("end");
      PatchUnderLoad.ServerErrors errors = soak.serverErrors;
      return new Result(soak.load, errors.all() - errors.fromJlive().size(), soak.cycles, soak.probesAdded, soak.patchesApplied,
          soak.failures, soak.wrongTotals, errors.fromJlive(), start, end, probesLeft, patchesLeft, limits);
    } finally {
      if (service != null) {
        service.close();
      }
    }
  }

  private void startService() throws IOException, InterruptedException {
    Path runtimeDir = Files.createDirectories(work.resolve("runtime"));
    // Every server error on standard error (see PatchUnderLoad), so those thrown in jlive's code are counted.
    Path logging = Files.writeString(work.resolve("logging.properties"), String.join("\n",
        "handlers=java.util.logging.ConsoleHandler",
        ".level=INFO",
        "java.util.logging.ConsoleHandler.level=FINE",
        "dev.jlive.demo.http.ErrorFence.level=FINE", ""));
    List<String> command = new ArrayList<>(List.of("-javaagent:" + agent + "=quiet", "-Djlive.runtimeDir=" + runtimeDir, "-Xmx256m",
        "-Djava.util.logging.config.file=" + logging, "-D" + DemoLoadRun.NODELAY + "=true"));
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
    volatile int cycles;
    volatile int probesAdded;
    volatile int patchesApplied;
    volatile int wrongTotals;
    LoadResult load;
    /** The server errors the demo logged during this run. */
    PatchUnderLoad.ServerErrors serverErrors;
  }

  private Churn load(int seconds) throws IOException, InterruptedException {
    Churn churn = new Churn();
    long logBefore = Files.size(demoStderr());
    try (ForkedJvm driver = ForkedJvm.start("load driver", List.of("-jar", demo.toString(), "--load-target", "http://127.0.0.1:" + port,
        "--duration", String.valueOf(seconds), "--threads", String.valueOf(threads)), work.resolve("load.stderr"))) {
      Churner churner = new Churner(churn);
      Thread thread = new Thread(churner, "jlive-bench-churner");
      thread.setDaemon(true);
      thread.start();
      int exit;
      try {
        exit = driver.awaitExit(Duration.ofSeconds(seconds + 120L));
      } finally {
        churner.stop = true;
        thread.join();
      }
      if (exit != 0) {
        throw new IOException("the load driver exited with " + exit + "; see " + work.resolve("load.stderr"));
      }
      churn.load = LoadResult.of(driver.output());
    }
    // The demo logs a server error before answering it, so every failed request's line is there by now.
    byte[] log = Files.readAllBytes(demoStderr());
    churn.serverErrors = PatchUnderLoad.ServerErrors.in(new String(log, (int) Math.min(logBefore, log.length),
        (int) Math.max(0, log.length - logBefore), StandardCharsets.UTF_8));
    return churn;
  }

  /** One cycle per interval: a probe in, the patch in, both checked, both out; leaves nothing behind. */
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
        while (!stop && (left = millis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)) > 0) {
          Thread.sleep(Math.min(left, 50));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop = true;
      }
    }

    private String addProbe(ProbeSpec spec) {
      try {
        String id = endpoint.addProbeEverywhere(spec.toJson());
        churn.probesAdded++;
        return id;
      } catch (IOException | RuntimeException e) {
        churn.failures.add("probe " + JsonObject.wireName(spec.kind()) + " " + spec.selector() + ": " + e.getMessage());
        return null;
      }
    }

    private void remove(String id) {
      try {
        endpoint.removeProbe(id);
      } catch (IOException | RuntimeException e) {
        churn.failures.add("remove probe " + id + ": " + e.getMessage());
      }
    }

    private String apply() {
      try {
        String id = (String) endpoint.applyPatch(patchBody).get("id");
        churn.patchesApplied++;
        check(DemoClient.FIXED_TOTAL);
        return id;
      } catch (IOException | RuntimeException e) {
        churn.failures.add("apply: " + e.getMessage());
        return null;
      }
    }

    private void revert(String id) {
      try {
        endpoint.revertPatch(id);
        check(DemoClient.BUGGY_TOTAL);
      } catch (IOException | RuntimeException e) {
        churn.failures.add("revert " + id + ": " + e.getMessage());
      }
    }

    private void check(long expected) throws IOException {
      if (shop.total(cart) != expected) {
        churn.wrongTotals++;
      }
    }
  }

  private static int listed(Map<String, Object> answer, String key) {
    Object list = answer.get(key);
    return list instanceof List<?> items ? items.size() : 0;
  }

  /**
   * The demo JVM after two full GCs, through jcmd. Live classes are the {@code java.lang.Class}
   * objects on the heap: the JVM's own counters count every retransformation as a class load (the
   * redefinition's scratch class) and never count the release of the previous version as an
   * unload, so they grow by one per probe added or removed even when nothing leaks.
   */
  private Footprint footprint(String label) throws IOException, InterruptedException {
    jcmd("GC.run");
    jcmd("GC.run");
    long freed = freedMetaspace(saveMetaspaceDetails(label));
    System.out.printf(Locale.ROOT, "metaspace at %s: %.1f MB of 'used' is freed metadata the JVM will reuse (jcmd VM.metaspace)%n",
        label, mb(freed));
    Map<String, Long> counters = new LinkedHashMap<>();
    for (String line : jcmd("PerfCounter.print").split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        try {
          counters.put(line.substring(0, equals).trim(), Long.parseLong(line.substring(equals + 1).trim()));
        } catch (NumberFormatException notANumber) {
          // String counters (names, flags) are not needed here.
        }
      }
    }
    long heap = 0;
    Pattern space = Pattern.compile("sun\\.gc\\.generation\\.\\d+\\.space\\.\\d+\\.used");
    for (Map.Entry<String, Long> entry : counters.entrySet()) {
      if (space.matcher(entry.getKey()).matches()) {
        heap += entry.getValue();
      }
    }
    return new Footprint(classMirrors(jcmd("GC.class_histogram")), counter(counters, "java.threads.live"), heap,
        counter(counters, "sun.gc.metaspace.used"));
  }

  /** Where metaspace goes, for reading by hand: by loader and kind of loader, and native memory when tracked. */
  private String saveMetaspaceDetails(String label) throws IOException, InterruptedException {
    StringBuilder details = new StringBuilder(jcmd("VM.metaspace show-loaders by-spacetype"));
    if (demoJvmOptions.stream().anyMatch(option -> option.startsWith("-XX:NativeMemoryTracking=") && !option.endsWith("=off"))) {
      details.append("\n").append(jcmd("VM.native_memory summary"));
    }
    Files.writeString(work.resolve("metaspace-" + label + ".txt"), details);
    return details.toString();
  }

  private static final Pattern FREED = Pattern.compile("Deallocated from chunks in use:\\s+([\\d.]+) (bytes|KB|MB|GB)");

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
    int shift = switch (matcher.group(2)) {
      case "KB" -> 10;
      case "MB" -> 20;
      case "GB" -> 30;
      default -> 0;
    };
    return Math.round(value * (1L << shift));
  }

  private static final Pattern CLASS_MIRRORS = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+java\\.lang\\.Class(?:\\s.*)?$");

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
    return ProbeSpec.builder(selector, kind).cpuPercent(100.0).timeToLive(Duration.ofMillis(TTL_MILLIS)).waitForClass(true);
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}

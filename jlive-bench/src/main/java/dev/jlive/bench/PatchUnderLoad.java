package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.protocol.patch.PatchDetail;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.SafepointMode;
import dev.jlive.protocol.patch.SafepointReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What patching at a quiescent safe point costs a service under load: the demo shop runs with the
 * agent loaded, and the demo's own load driver (another JVM, fixed threads, no rate limit) drives
 * it in alternating phases: without any patch, and with the fix of {@code Pricing#discountedPrice}
 * (called on most requests: every cart view, item added and checkout quotes the cart through {@code
 * Quoter#quote}) applied at the quiescent safe point and reverted again, one cycle every {@code
 * --interval-ms} (apply, half an interval later revert). Alternating spreads the drift of a shared
 * machine over both kinds of phase.
 *
 * <p>Each patch phase reports how many patches went in, the agent's own report of each ({@code
 * attempts}, {@code gateClosedMaxMillis}: the longest the gate was closed, so the most any caller
 * waited at it) and the endpoint's answer time; after every apply and revert one request checks
 * that the shop computes what it should (17991 fixed, 19990 with the bug) for a cart of its own.
 * The load driver's p50 and p99 over the phase, and the demo JVM's CPU per request, compare the
 * phases.
 */
public final class PatchUnderLoad {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.PatchUnderLoad [options]
        --agent JAR        jlive-agent.jar (default: ../../jlive-agent/target/jlive-agent.jar from this jar)
        --demo JAR         jlive-demo.jar (default: ../../jlive-demo/target/jlive-demo.jar from this jar)
        --source FILE      the demo's Pricing.java, with the bug (default: ../../jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java)
        --duration S       seconds per measured phase (default 20)
        --threads T        load driver threads, no rate limit (default 16)
        --rounds N         baseline/patch pairs (default 3)
        --warmup S         seconds of the warm-up phase, with patches, not measured (default 10)
        --interval-ms M    one apply/revert cycle every M ms in a patch phase (default 2000)
        --input KIND       source (compiled in the demo JVM, the default) or classes (compiled here)""";
  private static final Pattern READY = Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final String PROGRESS = "load elapsed=";

  private final Path demo;
  private final Path logs;
  private final int threads;
  private final long intervalMillis;
  private final PatchRequest patchBody;
  private ForkedJvm service;
  private AgentEndpoint endpoint;
  private DemoClient shop;
  private String cart;
  private int port;

  private PatchUnderLoad(
      Path demo, Path logs, int threads, long intervalMillis, PatchRequest patchBody) {
    this.demo = demo;
    this.logs = logs;
    this.threads = threads;
    this.intervalMillis = intervalMillis;
    this.patchBody = patchBody;
  }

  /** What the patcher saw in one phase. */
  static final class Patching {
    final List<Double> applyMillis = Collections.synchronizedList(new ArrayList<>());
    final List<Double> revertMillis = Collections.synchronizedList(new ArrayList<>());
    final List<Double> gateClosedMillis = Collections.synchronizedList(new ArrayList<>());

    /**
     * The same for reverts, where the agent reverts at a safe point (newer agents, for quiescent
     * patches).
     */
    final List<Double> revertGateClosedMillis = Collections.synchronizedList(new ArrayList<>());

    final List<Double> attempts = Collections.synchronizedList(new ArrayList<>());
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    volatile int wrongTotals;
  }

  /** One phase's numbers. */
  record Phase(
      String name,
      LoadResult load,
      List<String> windows,
      double demoCpuSeconds,
      double loadAverage,
      ServerErrors serverErrors,
      Patching patching) {
    double cpuMicrosPerRequest() {
      return load.requests() == 0 ? 0 : demoCpuSeconds * 1e6 / load.requests();
    }
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options;
    Path agent;
    Path demo;
    Path source;
    String input;
    try {
      options =
          DriverOptions.parse(
              args,
              Set.of(
                  "agent",
                  "demo",
                  "source",
                  "duration",
                  "threads",
                  "rounds",
                  "warmup",
                  "interval-ms",
                  "input"),
              USAGE);
      agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
      source = options.file("source", PricingFix.SOURCE_PATH);
      input = options.string("input", "source");
      if (!input.equals("source") && !input.equals("classes")) {
        throw new IllegalArgumentException("--input is source or classes, not '" + input + "'");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("PatchUnderLoad: " + e.getMessage());
      System.exit(2);
      return;
    }
    int duration = options.integer("duration", 20);
    int rounds = options.integer("rounds", 3);
    int warmup = options.integer("warmup", 10);
    Path work = Files.createTempDirectory("jlive-bench-patch-load");
    PricingFix fix = PricingFix.prepare(source, demo, work);
    PatchUnderLoad run =
        new PatchUnderLoad(
            demo,
            work,
            options.integer("threads", 16),
            options.integer("interval-ms", 2000),
            fix.patchRequest(input.equals("source"), "quiescent", false));
    System.out.printf(
        Locale.ROOT,
        "patch under load: %d s phases, %d threads, no rate limit, %d rounds; patch phases apply the fix of %s "
            + "(%s, quiescent) and revert it, one cycle every %d ms%n",
        duration,
        run.threads,
        rounds,
        PricingFix.METHOD,
        input,
        run.intervalMillis);
    System.out.println("logs: " + work);
    try {
      run.startService(agent, work.resolve("runtime"));
      System.out.println(line(run.phase("warm-up", warmup, true)));
      List<Phase> phases = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        phases.add(run.phase("baseline " + round, duration, false));
        System.out.println(line(phases.get(phases.size() - 1)));
        phases.add(run.phase("patching " + round, duration, true));
        System.out.println(line(phases.get(phases.size() - 1)));
      }
      summarize(phases);
      System.out.println(
          "patches active at the end (should be none): "
              + run.endpoint.listPatches().patches().stream().map(PatchDetail::id).toList());
    } finally {
      if (run.service != null) {
        run.service.close();
      }
    }
  }

  private void startService(Path agent, Path runtimeDir) throws IOException, InterruptedException {
    Files.createDirectories(runtimeDir);
    // The demo logs the first server error of each place at WARNING and the rest at debug level;
    // with debug on for its ErrorFence, every one is on standard error, and each phase counts those
    // thrown from jlive's own code apart from the shop's deliberate ones.
    Path logging =
        Files.writeString(
            logs.resolve("logging.properties"),
            String.join(
                "\n",
                "handlers=java.util.logging.ConsoleHandler",
                ".level=INFO",
                "java.util.logging.ConsoleHandler.level=FINE",
                "dev.jlive.demo.http.ErrorFence.level=FINE",
                ""));
    service =
        ForkedJvm.start(
            "jlive-demo",
            List.of(
                "-javaagent:" + agent + "=quiet",
                "-Djlive.runtimeDir=" + runtimeDir,
                "-Djava.util.logging.config.file=" + logging,
                "-jar",
                demo.toString(),
                "--port",
                "0"),
            demoStderr());
    Matcher ready = service.awaitLine(READY, Duration.ofSeconds(60));
    port = Integer.parseInt(ready.group(1));
    endpoint = AgentEndpoint.await(runtimeDir, service.pid(), Duration.ofSeconds(30));
    shop = new DemoClient(port);
    cart = shop.bulkCart();
    check(DemoClient.BUGGY_TOTAL, null);
  }

  /** One load run; with the patcher beside it when {@code patching}. */
  private Phase phase(String name, int seconds, boolean patching)
      throws IOException, InterruptedException {
    Patching seen = patching ? new Patching() : null;
    long logBefore = Files.size(demoStderr());
    long cpuBefore = demoCpuNanos();
    LoadResult load;
    List<String> windows = new ArrayList<>();
    double loadAverage;
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
            logs.resolve("load.stderr"))) {
      Patcher patcher = seen == null ? null : new Patcher(seen);
      Thread thread = null;
      if (patcher != null) {
        thread = new Thread(patcher, "jlive-bench-patcher");
        thread.setDaemon(true);
        thread.start();
      }
      int exit;
      try {
        exit = driver.awaitExit(Duration.ofSeconds(seconds + 120L));
      } finally {
        if (patcher != null) {
          patcher.stop = true;
          thread.join();
        }
      }
      loadAverage = LoadAverage.now();
      if (exit != 0) {
        throw new IOException(
            "the load driver exited with "
                + exit
                + "; output: "
                + driver.output()
                + "; see "
                + logs.resolve("load.stderr"));
      }
      load = LoadResult.of(driver.output());
      for (String line : driver.output()) {
        if (line.startsWith(PROGRESS)) {
          windows.add(line);
        }
      }
    }
    double cpu = (demoCpuNanos() - cpuBefore) / 1e9;
    Thread.sleep(200); // the demo's last log lines
    byte[] log = Files.readAllBytes(demoStderr());
    String phaseLog =
        new String(
            log,
            (int) Math.min(logBefore, log.length),
            (int) Math.max(0, log.length - logBefore),
            StandardCharsets.UTF_8);
    return new Phase(name, load, windows, cpu, loadAverage, ServerErrors.in(phaseLog), seen);
  }

  /** Applies and reverts, one cycle per interval, until told to stop; leaves nothing applied. */
  private final class Patcher implements Runnable {
    private final Patching seen;
    volatile boolean stop;

    Patcher(Patching seen) {
      this.seen = seen;
    }

    @Override
    public void run() {
      long next = System.nanoTime() + intervalMillis * 500_000L;
      while (pauseUntil(next)) {
        long cycle = System.nanoTime();
        String id = apply();
        pauseUntil(cycle + intervalMillis * 500_000L);
        if (id != null) {
          revert(id);
        }
        next = cycle + intervalMillis * 1_000_000L;
      }
    }

    /** Sleeps until {@code deadline}; false when told to stop first. */
    private boolean pauseUntil(long deadline) {
      try {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
          if (stop) {
            return false;
          }
          Thread.sleep(Math.max(1, Math.min(20, left / 1_000_000)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      return !stop;
    }

    private String apply() {
      long start = System.nanoTime();
      try {
        PatchResult answer = endpoint.applyPatch(patchBody);
        seen.applyMillis.add((System.nanoTime() - start) / 1e6);
        seen.attempts.add((double) answer.safepoint().attempts());
        seen.gateClosedMillis.add(answer.safepoint().gateClosedMaxMillis());
        check(DemoClient.FIXED_TOTAL, seen);
        return answer.id();
      } catch (IOException | RuntimeException e) {
        seen.failures.add("apply: " + e.getMessage());
        return null;
      }
    }

    private void revert(String id) {
      long start = System.nanoTime();
      try {
        SafepointReport swap = endpoint.revertPatch(id).safepoint();
        seen.revertMillis.add((System.nanoTime() - start) / 1e6);
        if (swap != null && swap.mode() == SafepointMode.QUIESCENT) {
          seen.revertGateClosedMillis.add(swap.gateClosedMaxMillis());
        }
        check(DemoClient.BUGGY_TOTAL, seen);
      } catch (IOException | RuntimeException e) {
        seen.failures.add("revert " + id + ": " + e.getMessage());
      }
    }
  }

  private void check(long expected, Patching seen) throws IOException {
    long total;
    try {
      total = shop.total(cart);
    } catch (DemoClient.ServerError e) {
      if (seen == null) {
        throw e;
      }
      seen.failures.add("check after a change: " + e.getMessage());
      return;
    }
    if (total != expected) {
      if (seen == null) {
        throw new IOException("the demo's test cart totals " + total + ", not " + expected);
      }
      seen.wrongTotals++;
    }
  }

  private Path demoStderr() {
    return logs.resolve("demo.stderr");
  }

  /**
   * Server errors the demo logged (all of them, see {@link #startService}); those thrown in jlive's
   * code apart.
   */
  record ServerErrors(int all, List<String> fromJlive) {
    private static final Pattern FAILED =
        Pattern.compile("^(?:WARNING|FINE): \\S+ \\S+ failed at (.*); answered 500$");

    static ServerErrors in(String log) {
      int all = 0;
      List<String> jlive = new ArrayList<>();
      String[] lines = log.split("\n");
      for (int i = 0; i < lines.length; i++) {
        Matcher failed = FAILED.matcher(lines[i]);
        if (failed.matches()) {
          all++;
          if (failed.group(1).contains("dev.jlive.agent")
              || failed.group(1).contains("dev.jlive.bridge")) {
            jlive.add(i + 1 < lines.length ? lines[i + 1] : failed.group(1));
          }
        }
      }
      return new ServerErrors(all, jlive);
    }
  }

  private long demoCpuNanos() {
    return ProcessHandle.of(service.pid())
        .flatMap(handle -> handle.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }

  private static String line(Phase phase) {
    LoadResult load = phase.load();
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-10s requests=%d rps=%.1f errors=%d p50_ms=%.1f p99_ms=%.1f demo_cpu_us_per_request=%.0f load_average=%.2f",
                phase.name(),
                load.requests(),
                load.rps(),
                load.errors(),
                load.p50Millis(),
                load.p99Millis(),
                phase.cpuMicrosPerRequest(),
                phase.loadAverage()));
    out.append(
        String.format(
            Locale.ROOT,
            " server_errors_logged=%d from_jlive=%d",
            phase.serverErrors().all(),
            phase.serverErrors().fromJlive().size()));
    for (String window : phase.windows()) {
      out.append("\n           ").append(window);
    }
    phase.serverErrors().fromJlive().stream()
        .distinct()
        .forEach(error -> out.append("\n           thrown by jlive: ").append(error));
    Patching p = phase.patching();
    if (p != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "%n           patches applied=%d reverted=%d failed=%d wrong_totals=%d",
              p.applyMillis.size(),
              p.revertMillis.size(),
              p.failures.size(),
              p.wrongTotals));
      if (!p.applyMillis.isEmpty()) {
        Stats apply = Stats.of(p.applyMillis);
        Stats closed = Stats.of(p.gateClosedMillis);
        out.append(
            String.format(
                Locale.ROOT,
                " apply_ms median=%.1f max=%.1f attempts_max=%.0f gateClosedMaxMillis median=%.2f max=%.2f",
                apply.median(),
                apply.max(),
                Stats.of(p.attempts).max(),
                closed.median(),
                closed.max()));
      }
      if (!p.revertMillis.isEmpty()) {
        Stats revert = Stats.of(p.revertMillis);
        out.append(
            String.format(
                Locale.ROOT, " revert_ms median=%.1f max=%.1f", revert.median(), revert.max()));
      }
      if (!p.revertGateClosedMillis.isEmpty()) {
        Stats closed = Stats.of(p.revertGateClosedMillis);
        out.append(
            String.format(
                Locale.ROOT,
                " revert gateClosedMaxMillis median=%.2f max=%.2f",
                closed.median(),
                closed.max()));
      }
      for (String failure : p.failures) {
        out.append("\n           failure: ").append(failure);
      }
    }
    return out.toString();
  }

  private static void summarize(List<Phase> phases) {
    List<Phase> base = phases.stream().filter(p -> p.patching() == null).toList();
    List<Phase> patched = phases.stream().filter(p -> p.patching() != null).toList();
    System.out.println();
    System.out.println(
        "| phase | requests | rps | p50 ms | p99 ms | errors | of them thrown by jlive | demo CPU µs/request | load average | patches | gateClosedMaxMillis max |");
    System.out.println(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Phase phase : phases) {
      LoadResult load = phase.load();
      Patching p = phase.patching();
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.1f | %.1f | %.1f | %d | %d | %.0f | %.2f | %s | %s |%n",
          phase.name(),
          load.requests(),
          load.rps(),
          load.p50Millis(),
          load.p99Millis(),
          load.errors(),
          phase.serverErrors().fromJlive().size(),
          phase.cpuMicrosPerRequest(),
          phase.loadAverage(),
          p == null
              ? "—"
              : p.applyMillis.size()
                  + " applied, "
                  + p.revertMillis.size()
                  + " reverted"
                  + (p.failures.isEmpty() ? "" : ", " + p.failures.size() + " failed"),
          p == null || p.gateClosedMillis.isEmpty()
              ? "—"
              : String.format(Locale.ROOT, "%.2f", Stats.of(p.gateClosedMillis).max()));
    }
    System.out.println();
    List<Double> allClosed = new ArrayList<>();
    for (int i = 0; i < Math.min(base.size(), patched.size()); i++) {
      LoadResult b = base.get(i).load();
      LoadResult p = patched.get(i).load();
      System.out.printf(
          Locale.ROOT,
          "round %d: throughput patching/baseline = %.3f, p50 %.1f -> %.1f ms, p99 %.1f -> %.1f ms (ratio %.2f)%n",
          i + 1,
          p.rps() / b.rps(),
          b.p50Millis(),
          p.p50Millis(),
          b.p99Millis(),
          p.p99Millis(),
          p.p99Millis() / b.p99Millis());
    }
    for (Phase phase : patched) {
      allClosed.addAll(phase.patching().gateClosedMillis);
    }
    double baseRps = base.stream().mapToDouble(p -> p.load().rps()).average().orElse(0);
    double patchRps = patched.stream().mapToDouble(p -> p.load().rps()).average().orElse(0);
    double baseP99 = base.stream().mapToDouble(p -> p.load().p99Millis()).average().orElse(0);
    double patchP99 = patched.stream().mapToDouble(p -> p.load().p99Millis()).average().orElse(0);
    double baseP50 = base.stream().mapToDouble(p -> p.load().p50Millis()).average().orElse(0);
    double patchP50 = patched.stream().mapToDouble(p -> p.load().p50Millis()).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "overall (means of the phases): rps %.1f -> %.1f (ratio %.3f), p50 %.1f -> %.1f ms, p99 %.1f -> %.1f ms"
            + " (ratio %.2f)%n",
        baseRps,
        patchRps,
        patchRps / baseRps,
        baseP50,
        patchP50,
        baseP99,
        patchP99,
        patchP99 / baseP99);
    if (!allClosed.isEmpty()) {
      Stats closed = Stats.of(allClosed);
      System.out.printf(
          Locale.ROOT,
          "gateClosedMaxMillis over all %d measured patches: median %.2f ms, max %.2f ms%n",
          closed.count(),
          closed.median(),
          closed.max());
    }
    List<Double> revertClosed = new ArrayList<>();
    patched.forEach(phase -> revertClosed.addAll(phase.patching().revertGateClosedMillis));
    if (!revertClosed.isEmpty()) {
      Stats closed = Stats.of(revertClosed);
      System.out.printf(
          Locale.ROOT,
          "gateClosedMaxMillis over all %d measured reverts (at a safe point): median %.2f ms, max %.2f ms%n",
          closed.count(),
          closed.median(),
          closed.max());
    }
  }
}

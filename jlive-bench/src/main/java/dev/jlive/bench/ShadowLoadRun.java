package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What shadowing the demo's pricing fix costs the shop: the same workload (the demo's own load
 * driver in another JVM, fixed threads, no rate limit) against the demo without jlive, then with
 * the agent, alternating phases without a shadow and with the fix shadowed at one call in N.
 * Besides throughput, each phase reports the demo JVM's CPU per request, and a shadow phase the CPU
 * per shadowed call: the difference from the neighbouring baseline, divided by the calls the shadow
 * sampled. The candidate runs on jlive's worker thread, so that cost includes the candidate's own
 * run and the comparison, not only what the application thread pays.
 */
public final class ShadowLoadRun {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.ShadowLoadRun [options]
        --agent JAR        jlive-agent.jar (default: ../../jlive-agent/target/jlive-agent.jar from this jar)
        --demo JAR         jlive-demo.jar (default: ../../jlive-demo/target/jlive-demo.jar from this jar)
        --duration S       seconds per measured phase (default 15)
        --threads T        load driver threads, no rate limit (default 16)
        --rounds N         baseline/shadow pairs (default 2)
        --sample N         shadow one call in N (default 100)""";

  static final String METHOD = "dev.jlive.demo.shop.Pricing#discountedPrice(long,int)";
  static final String FIX =
      """
      public static long discountedPrice(long priceCents, int quantity) {
        long gross = priceCents * quantity;
        if (quantity >= BULK_QUANTITY) {
          return (gross * (100 - BULK_DISCOUNT_PERCENT) + 50) / 100;
        }
        return gross;
      }
      """;
  private static final Pattern READY = Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");

  private final Path agent;
  private final Path demo;
  private final Path work;
  private final int threads;
  private ForkedJvm service;
  private AgentEndpoint endpoint;
  private int port;

  private ShadowLoadRun(Path agent, Path demo, Path work, int threads) {
    this.agent = agent;
    this.demo = demo;
    this.work = work;
    this.threads = threads;
  }

  /** One phase's numbers; {@code sampled} is 0 without a shadow. */
  record Phase(String name, LoadResult load, double cpuSeconds, long sampled, String note) {
    double cpuMicrosPerRequest() {
      return load.requests() == 0 ? 0 : cpuSeconds * 1e6 / load.requests();
    }
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options;
    Path agent;
    Path demo;
    try {
      options =
          DriverOptions.parse(
              args, Set.of("agent", "demo", "duration", "threads", "rounds", "sample"), USAGE);
      agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
    } catch (IllegalArgumentException e) {
      System.err.println("ShadowLoadRun: " + e.getMessage());
      System.exit(2);
      return;
    }
    int duration = options.integer("duration", 15);
    int rounds = options.integer("rounds", 2);
    int sample = options.integer("sample", 100);
    Path work = Files.createTempDirectory("jlive-bench-shadow");
    ShadowLoadRun run = new ShadowLoadRun(agent, demo, work, options.integer("threads", 16));
    System.out.printf(
        Locale.ROOT,
        "shadow load run: %d s phases, %d threads, no rate limit, %d rounds, pricing fix shadowed"
            + " at 1/%d%nlogs: %s%n",
        duration,
        run.threads,
        rounds,
        sample,
        work);
    List<Phase> phases = new ArrayList<>();
    try {
      run.startService(false);
      run.phase("warm-up (no jlive)", duration, 0);
      phases.add(run.phase("no jlive", duration, 0));
      print(phases.get(phases.size() - 1));
      run.stopService();
      run.startService(true);
      run.phase("warm-up (agent)", duration, 0);
      for (int round = 1; round <= rounds; round++) {
        phases.add(run.phase("agent " + round, duration, 0));
        print(phases.get(phases.size() - 1));
        phases.add(run.phase("shadow " + round, duration, sample));
        print(phases.get(phases.size() - 1));
      }
    } finally {
      run.stopService();
    }
    summarize(phases);
  }

  private void startService(boolean withAgent) throws IOException, InterruptedException {
    Path runtimeDir = work.resolve("runtime");
    Files.createDirectories(runtimeDir);
    List<String> command = new ArrayList<>();
    if (withAgent) {
      command.add("-javaagent:" + agent + "=quiet");
      command.add("-Djlive.runtimeDir=" + runtimeDir);
    }
    // As DemoLoadRun: the JDK reads nodelay once, when the first HttpServer is made.
    command.addAll(
        List.of("-D" + DemoLoadRun.NODELAY + "=true", "-jar", demo.toString(), "--port", "0"));
    service = ForkedJvm.start("jlive-demo", command, work.resolve("demo.stderr"));
    Matcher ready = service.awaitLine(READY, Duration.ofSeconds(60));
    port = Integer.parseInt(ready.group(1));
    endpoint =
        withAgent ? AgentEndpoint.await(runtimeDir, service.pid(), Duration.ofSeconds(30)) : null;
  }

  private void stopService() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  /** One load run; with {@code sample} > 0 the fix is shadowed at one call in that many. */
  private Phase phase(String name, int seconds, int sample)
      throws IOException, InterruptedException {
    String id = null;
    if (sample > 0) {
      ShadowRequest request =
          new ShadowRequest(
              PatchRequest.ofMethod(METHOD, FIX).build(),
              sample,
              Duration.ofHours(1),
              "quantity == 10",
              true);
      id = String.valueOf(endpoint.startShadow(request).get("id"));
    }
    long cpuBefore = cpuNanos();
    LoadResult load;
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
      int exit = driver.awaitExit(Duration.ofSeconds(seconds + 120L));
      if (exit != 0) {
        throw new IOException("the load driver exited with " + exit + ": " + driver.output());
      }
      load = LoadResult.of(driver.output());
    }
    double cpu = (cpuNanos() - cpuBefore) / 1e9;
    long sampled = 0;
    String note = "";
    if (id != null) {
      Map<String, Object> report = endpoint.dropShadow(id);
      sampled = ((Number) report.get("sampled")).longValue();
      note =
          String.format(
              Locale.ROOT,
              "shadow %s: sampled=%s compared=%s expected=%s unexpected=%s dropped=%s"
                  + " original_us=%.2f candidate_us=%.2f",
              id,
              report.get("sampled"),
              report.get("compared"),
              report.get("expectedDifferences"),
              report.get("unexpectedDifferences"),
              report.get("dropped"),
              ((Number) report.get("originalMeanMicros")).doubleValue(),
              ((Number) report.get("candidateMeanMicros")).doubleValue());
    }
    return new Phase(name, load, cpu, sampled, note);
  }

  private long cpuNanos() {
    return ProcessHandle.of(service.pid())
        .flatMap(handle -> handle.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }

  private static void print(Phase phase) {
    LoadResult load = phase.load();
    System.out.printf(
        Locale.ROOT,
        "%-9s requests=%d rps=%.1f errors=%d p50_ms=%.1f p99_ms=%.1f cpu_us_per_request=%.0f%s%n",
        phase.name(),
        load.requests(),
        load.rps(),
        load.errors(),
        load.p50Millis(),
        load.p99Millis(),
        phase.cpuMicrosPerRequest(),
        phase.note().isEmpty() ? "" : "\n          " + phase.note());
  }

  private static void summarize(List<Phase> phases) {
    double none = phases.get(0).load().rps();
    double agent = mean(phases, "agent");
    double shadow = mean(phases, "shadow");
    System.out.println();
    System.out.println("| phase | requests | rps | p50 ms | p99 ms | errors | CPU µs/request |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Phase phase : phases) {
      LoadResult load = phase.load();
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.1f | %.1f | %.1f | %d | %.0f |%n",
          phase.name(),
          load.requests(),
          load.rps(),
          load.p50Millis(),
          load.p99Millis(),
          load.errors(),
          phase.cpuMicrosPerRequest());
    }
    System.out.println();
    for (int i = 1; i + 1 < phases.size(); i += 2) {
      Phase base = phases.get(i);
      Phase shadowed = phases.get(i + 1);
      double extraCpu =
          (shadowed.cpuMicrosPerRequest() - base.cpuMicrosPerRequest())
              * shadowed.load().requests();
      System.out.printf(
          Locale.ROOT,
          "round %d: CPU per shadowed call %.0f µs (%d sampled calls)%n",
          (i + 1) / 2,
          shadowed.sampled() == 0 ? 0 : extraCpu / shadowed.sampled(),
          shadowed.sampled());
    }
    System.out.printf(
        Locale.ROOT,
        "throughput: no jlive %.1f rps, agent %.1f, shadow %.1f; shadow/no-jlive %.3f,"
            + " shadow/agent %.3f (goal >= 0.95 of baseline: %s)%n",
        none,
        agent,
        shadow,
        shadow / none,
        shadow / agent,
        shadow / none >= 0.95 ? "met" : "MISSED");
  }

  private static double mean(List<Phase> phases, String prefix) {
    return phases.stream()
        .filter(phase -> phase.name().startsWith(prefix))
        .mapToDouble(phase -> phase.load().rps())
        .average()
        .orElse(0);
  }
}

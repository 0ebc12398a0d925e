package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.probe.ProbeStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a metrics probe on the demo's hottest method costs a whole service: the demo shop runs with
 * the agent loaded, and the demo's own load driver (in another JVM, fixed threads, no rate limit,
 * so throughput is what moves) drives it in alternating phases without and with the probe.
 * Alternating, rather than all baselines first, spreads the drift of a shared machine over both.
 *
 * <p>Before the measured phases, one phase counts calls of a few candidate methods (count probes)
 * to show which is hottest, and one warms the service up without any probe.
 *
 * <p>Besides throughput and latency, each phase reports the CPU time the demo JVM used per request:
 * on a machine the load does not saturate, throughput hardly moves, but CPU per request still shows
 * what the probe costs.
 */
public final class DemoLoadRun {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.DemoLoadRun [options]
        --agent JAR        jlive-agent.jar (default: ../../jlive-agent/target/jlive-agent.jar from this jar)
        --demo JAR         jlive-demo.jar (default: ../../jlive-demo/target/jlive-demo.jar from this jar)
        --duration S       seconds per measured phase (default 20)
        --threads T        load driver threads, no rate limit (default 32)
        --rounds N         baseline/probe pairs (default 2)
        --warmup S         seconds of the survey phase and of the warm-up phase (default 10)
        --selector SEL     the probed method (default dev.jlive.demo.shop.PriceCache#priceOf)""";
  static final String HOTTEST = "dev.jlive.demo.shop.PriceCache#priceOf";

  /** Where a request spends its calls: the router once per request, the shop below it. */
  static final List<String> CANDIDATES =
      List.of(
          "dev.jlive.demo.http.Router#handle",
          "dev.jlive.demo.shop.Quoter#quote",
          "dev.jlive.demo.shop.PriceCache#priceOf",
          "dev.jlive.demo.shop.Pricing#discountedPrice");

  private static final Pattern READY = Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final long TTL_MILLIS = Duration.ofHours(1).toMillis();
  static final String NODELAY = "sun.net.httpserver.nodelay";

  private final Path agent;
  private final Path demo;
  private final Path runtimeDir;
  private final Path logs;
  private final int threads;
  private ForkedJvm service;
  private AgentEndpoint endpoint;
  private int port;

  private DemoLoadRun(Path agent, Path demo, Path work, int threads) {
    this.agent = agent;
    this.demo = demo;
    this.runtimeDir = work.resolve("runtime");
    this.logs = work;
    this.threads = threads;
  }

  /** One phase's numbers. */
  record Phase(String name, LoadResult load, double demoCpuSeconds, String probeNote) {
    double cpuMicrosPerRequest() {
      return load.requests() == 0 ? 0 : demoCpuSeconds * 1e6 / load.requests();
    }
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options;
    Path agent;
    Path demo;
    try {
      options =
          DriverOptions.parse(
              args,
              Set.of("agent", "demo", "duration", "threads", "rounds", "warmup", "selector"),
              USAGE);
      agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
    } catch (IllegalArgumentException e) {
      System.err.println("DemoLoadRun: " + e.getMessage());
      System.exit(2);
      return;
    }
    int duration = options.integer("duration", 20);
    int rounds = options.integer("rounds", 2);
    int warmup = options.integer("warmup", 10);
    String selector = options.string("selector", HOTTEST);
    Path work = Files.createTempDirectory("jlive-bench-load");
    DemoLoadRun run = new DemoLoadRun(agent, demo, work, options.integer("threads", 32));
    System.out.printf(
        Locale.ROOT,
        "demo load run: %d s phases, %d threads, no rate limit, %d rounds, metrics probe on %s%n",
        duration,
        run.threads,
        rounds,
        selector);
    System.out.println("logs: " + work);
    try {
      run.startService();
      run.survey(warmup);
      Phase warm = run.phase("warm-up", warmup, null);
      System.out.println(line(warm));
      List<Phase> phases = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        phases.add(run.phase("baseline " + round, duration, null));
        System.out.println(line(phases.get(phases.size() - 1)));
        phases.add(run.phase("probe " + round, duration, selector));
        System.out.println(line(phases.get(phases.size() - 1)));
      }
      summarize(phases);
    } finally {
      run.stopService();
    }
  }

  private void startService() throws IOException, InterruptedException {
    Files.createDirectories(runtimeDir);
    // The agent's endpoint is a JDK HttpServer created in premain, and the JDK reads the
    // sun.net.httpserver.* properties once, when the first server in the JVM is created: the demo's
    // own System.setProperty(nodelay) in main comes too late, and every keep-alive answer then
    // waits
    // ~40 ms for a delayed ACK (p50 15 -> 48 ms, throughput -60%). Setting it on the command line
    // measures the probe, not that start-up interaction; docs/BENCHMARKS.md has the numbers.
    service =
        ForkedJvm.start(
            "jlive-demo",
            List.of(
                "-javaagent:" + agent + "=quiet",
                "-Djlive.runtimeDir=" + runtimeDir,
                "-D" + NODELAY + "=true",
                "-jar",
                demo.toString(),
                "--port",
                "0"),
            logs.resolve("demo.stderr"));
    Matcher ready = service.awaitLine(READY, Duration.ofSeconds(60));
    port = Integer.parseInt(ready.group(1));
    endpoint = AgentEndpoint.await(runtimeDir, service.pid(), Duration.ofSeconds(30));
  }

  private void stopService() {
    if (service != null) {
      service.close();
    }
  }

  /** Counts calls of each candidate under load and prints calls per request. */
  private void survey(int seconds) throws IOException, InterruptedException {
    Map<String, String> ids = new HashMap<>();
    for (String candidate : CANDIDATES) {
      // The shop loads some of these classes with its first requests.
      ids.put(
          candidate,
          endpoint.addProbeEverywhere(
              spec(candidate, ProbeSpec.Kind.COUNT).waitForClass(true).build()));
    }
    Phase survey = phase("survey", seconds, null);
    System.out.println(line(survey));
    for (String candidate : CANDIDATES) {
      long hits = endpoint.probe(ids.get(candidate)).hits();
      System.out.printf(
          Locale.ROOT,
          "  calls of %-45s %9d  (%.2f per request)%n",
          candidate,
          hits,
          hits / (double) Math.max(1, survey.load().requests()));
      endpoint.removeProbe(ids.get(candidate));
    }
  }

  /**
   * One load run, with a metrics probe on {@code selector} for its whole length when it is not
   * null.
   */
  private Phase phase(String name, int seconds, String selector)
      throws IOException, InterruptedException {
    String id =
        selector == null
            ? null
            : endpoint.addProbeEverywhere(spec(selector, ProbeSpec.Kind.METRICS).build());
    long cpuBefore = demoCpuNanos();
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
            logs.resolve("load.stderr"))) {
      int exit = driver.awaitExit(Duration.ofSeconds(seconds + 120L));
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
    }
    double cpu = (demoCpuNanos() - cpuBefore) / 1e9;
    String note = "";
    if (id != null) {
      ProbeStatus probe = endpoint.probe(id);
      ProbeMetrics metrics = endpoint.metrics(id).probes().get(0);
      note =
          "probe "
              + JsonObject.wireName(probe.state())
              + ", "
              + probe.hits()
              + " calls"
              + (probe.reason() != null ? " (" + probe.reason() + ")" : "")
              + ", latency "
              + (metrics.latency() == null ? null : metrics.latency().toJson());
      endpoint.removeProbe(id);
    }
    return new Phase(name, load, cpu, note);
  }

  /** CPU time of the demo JVM so far, all threads: the service's own work, the agent's included. */
  private long demoCpuNanos() {
    return ProcessHandle.of(service.pid())
        .flatMap(handle -> handle.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }

  private static ProbeSpec.Builder spec(String selector, ProbeSpec.Kind kind) {
    return ProbeSpec.builder(selector, kind)
        .cpuPercent(100.0)
        .timeToLive(Duration.ofMillis(TTL_MILLIS));
  }

  private static String line(Phase phase) {
    LoadResult load = phase.load();
    return String.format(
        Locale.ROOT,
        "%-10s requests=%d rps=%.1f errors=%d p50_ms=%.1f p99_ms=%.1f demo_cpu_s=%.1f cpu_us_per_request=%.0f%s",
        phase.name(),
        load.requests(),
        load.rps(),
        load.errors(),
        load.p50Millis(),
        load.p99Millis(),
        phase.demoCpuSeconds(),
        phase.cpuMicrosPerRequest(),
        phase.probeNote().isEmpty() ? "" : "\n           " + phase.probeNote());
  }

  private static void summarize(List<Phase> phases) {
    List<Phase> base = phases.stream().filter(p -> p.name().startsWith("baseline")).toList();
    List<Phase> probed = phases.stream().filter(p -> p.name().startsWith("probe")).toList();
    double baseRps = base.stream().mapToDouble(p -> p.load().rps()).average().orElse(0);
    double probeRps = probed.stream().mapToDouble(p -> p.load().rps()).average().orElse(0);
    System.out.println();
    System.out.println(
        "| phase | requests | rps | p50 ms | p99 ms | errors | demo CPU µs/request |");
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
    for (int i = 0; i < Math.min(base.size(), probed.size()); i++) {
      System.out.printf(
          Locale.ROOT,
          "round %d: throughput probe/baseline = %.3f, p99 %.1f -> %.1f ms, CPU/request %.0f -> %.0f µs%n",
          i + 1,
          probed.get(i).load().rps() / base.get(i).load().rps(),
          base.get(i).load().p99Millis(),
          probed.get(i).load().p99Millis(),
          base.get(i).cpuMicrosPerRequest(),
          probed.get(i).cpuMicrosPerRequest());
    }
    System.out.printf(
        Locale.ROOT,
        "overall: mean rps baseline %.1f, probe %.1f, ratio %.3f (target >= 0.97: %s)%n",
        baseRps,
        probeRps,
        probeRps / baseRps,
        probeRps / baseRps >= 0.97 ? "met" : "MISSED");
  }
}

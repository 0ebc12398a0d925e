package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.bench.fleet.FleetApp;
import dev.jlive.protocol.probe.ClassReport;
import dev.jlive.protocol.probe.ProbeAdded;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Wall time of adding and removing a probe, as a client sees it ({@code POST} and {@code DELETE
 * /v1/probes}, HTTP included): on one method of the demo shop, and with a wildcard that selects
 * fifty classes of {@link FleetApp}. Both target JVMs run the agent from {@code -javaagent} and are
 * idle while timed. The first repetition of each case pays for the agent's own warm-up and is
 * reported apart as well as in the statistics.
 */
public final class ProbeInstallTime {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.ProbeInstallTime [options]
        --agent JAR          jlive-agent.jar (default: ../../jlive-agent/target/jlive-agent.jar from this jar)
        --demo JAR           jlive-demo.jar (default: ../../jlive-demo/target/jlive-demo.jar from this jar)
        --repetitions N      adds and removes per case (default 20)
        --kind KIND          probe kind (default metrics)""";
  static final String ONE_METHOD = "dev.jlive.demo.shop.PriceCache#priceOf";
  static final String FLEET = "dev.jlive.bench.fleet.Handler*#handle";
  private static final Pattern DEMO_READY =
      Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final Pattern FLEET_READY =
      Pattern.compile("jlive-bench fleet ready pid=(\\d+) classes=(\\d+)");
  private static final int ROUND_TRIPS = 50;

  private ProbeInstallTime() {}

  record Case(String name, String selector, int classes, Stats add, Stats remove) {}

  public static void main(String[] args) throws Exception {
    DriverOptions options;
    Path agent;
    Path demo;
    try {
      options = DriverOptions.parse(args, Set.of("agent", "demo", "repetitions", "kind"), USAGE);
      agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
    } catch (IllegalArgumentException e) {
      System.err.println("ProbeInstallTime: " + e.getMessage());
      System.exit(2);
      return;
    }
    int repetitions = options.integer("repetitions", 20);
    ProbeSpec.Kind kind = ProbeSpec.kindNamed(options.string("kind", "metrics"));
    Path work = Files.createTempDirectory("jlive-bench-install");
    Path runtimeDir = Files.createDirectories(work.resolve("runtime"));
    List<String> agentArgs =
        List.of("-javaagent:" + agent + "=quiet", "-Djlive.runtimeDir=" + runtimeDir);
    System.out.printf(
        Locale.ROOT,
        "probe add/remove wall time: %s probes, %d repetitions per case; logs: %s%n",
        kind.name().toLowerCase(Locale.ROOT),
        repetitions,
        work);

    List<String> demoArgs = new ArrayList<>(agentArgs);
    demoArgs.addAll(List.of("-jar", demo.toString(), "--port", "0"));
    List<String> fleetArgs = new ArrayList<>(agentArgs);
    fleetArgs.addAll(List.of("-cp", DriverOptions.benchJar().toString(), FleetApp.class.getName()));
    try (ForkedJvm demoJvm = ForkedJvm.start("jlive-demo", demoArgs, work.resolve("demo.stderr"));
        ForkedJvm fleetJvm = ForkedJvm.start("fleet", fleetArgs, work.resolve("fleet.stderr"))) {
      demoJvm.awaitLine(DEMO_READY, Duration.ofSeconds(60));
      fleetJvm.awaitLine(FLEET_READY, Duration.ofSeconds(60));
      AgentEndpoint demoAgent =
          AgentEndpoint.await(runtimeDir, demoJvm.pid(), Duration.ofSeconds(30));
      AgentEndpoint fleetAgent =
          AgentEndpoint.await(runtimeDir, fleetJvm.pid(), Duration.ofSeconds(30));

      Stats roundTrip = roundTrip(demoAgent);
      List<Case> cases =
          List.of(
              time("one demo method", demoAgent, ONE_METHOD, 1, kind, repetitions),
              time(
                  "wildcard, 50 classes",
                  fleetAgent,
                  FLEET,
                  FleetApp.handlerNames().size(),
                  kind,
                  repetitions));

      System.out.println();
      System.out.println(
          "| case | classes | add median ms | add max ms | add first ms | remove median ms | remove max ms | remove first ms |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (Case c : cases) {
        System.out.printf(
            Locale.ROOT,
            "| %s (`%s`) | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
            c.name(),
            c.selector(),
            c.classes(),
            c.add().median(),
            c.add().max(),
            c.add().first(),
            c.remove().median(),
            c.remove().max(),
            c.remove().first());
      }
      System.out.printf(
          Locale.ROOT,
          "%nfor scale: GET /v1/probes round trip, median %.2f ms, max %.2f ms over %d calls%n",
          roundTrip.median(),
          roundTrip.max(),
          roundTrip.count());
    }
  }

  private static Case time(
      String name,
      AgentEndpoint endpoint,
      String selector,
      int classes,
      ProbeSpec.Kind kind,
      int repetitions)
      throws IOException {
    ProbeSpec spec = ProbeSpec.builder(selector, kind).build();
    List<Double> adds = new ArrayList<>();
    List<Double> removes = new ArrayList<>();
    for (int i = 0; i < repetitions; i++) {
      long start = System.nanoTime();
      ProbeAdded answer = endpoint.addProbe(spec);
      long added = System.nanoTime();
      String id = answer.probe().id();
      endpoint.removeProbe(id);
      long removed = System.nanoTime();
      long installed = installedClasses(answer);
      if (installed != classes) {
        throw new IOException(
            selector
                + " went into "
                + installed
                + " classes, not "
                + classes
                + ": "
                + answer.toJson());
      }
      adds.add((added - start) / 1e6);
      removes.add((removed - added) / 1e6);
    }
    Stats add = Stats.of(adds);
    Stats remove = Stats.of(removes);
    System.out.printf(
        Locale.ROOT,
        "%-22s add ms %s%n%-22s remove ms %s%n",
        name,
        format(adds),
        "",
        format(removes));
    return new Case(name, selector, classes, add, remove);
  }

  private static long installedClasses(ProbeAdded answer) {
    return answer.classes().stream()
        .filter(report -> report.status() == ClassReport.Status.INSTALLED)
        .count();
  }

  private static Stats roundTrip(AgentEndpoint endpoint) throws IOException {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < ROUND_TRIPS; i++) {
      long start = System.nanoTime();
      endpoint.listProbes();
      times.add((System.nanoTime() - start) / 1e6);
    }
    return Stats.of(times);
  }

  private static String format(List<Double> values) {
    StringBuilder out = new StringBuilder();
    for (double value : values) {
      out.append(String.format(Locale.ROOT, " %.1f", value));
    }
    return out.toString().trim();
  }
}

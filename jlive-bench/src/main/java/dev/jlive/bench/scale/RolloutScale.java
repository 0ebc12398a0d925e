package dev.jlive.bench.scale;

import dev.jlive.bench.DriverOptions;
import dev.jlive.bench.ForkedJvm;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.probe.ProbeSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A staged rollout to a service of many simulated agents ({@link SimulatedAgents}, the real
 * protocol): a controller forked from the CLI jar, N agents, then rounds of one probe change with a
 * plan ({@code --waves}, {@code --bake}), each followed to completion and then reverted. Per wave:
 * the time from the wave reached (first seen in {@code GET /v1/services/S/rollouts/ID}) to every
 * process of it applied (the rollout seen baking), and each agent's delivery delay after its wave
 * was reached (p50, p99); the controller's CPU over the rounds.
 */
public final class RolloutScale {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.scale.RolloutScale [options]
        --agents N       simulated agents (default 2000)
        --rounds R       rollouts, one after another (default 5)
        --waves W        the plan's waves (default 1,10%,50%,100%)
        --bake D         each wave's bake (default 2s)
        --heartbeat D    the controller's --heartbeat (default 5s)
        --cli JAR        jlive.jar (default: ../../jlive-cli/target/jlive.jar from this jar)""";
  private static final Pattern LISTENING =
      Pattern.compile("listening on (\\S+) \\(ZooKeeper (.*), token in (.*)\\)\\s*$");
  private static final Pattern SIM_HOST = Pattern.compile("^sim-(\\d+)-");

  private final DriverOptions options;
  private final Path logs;
  private final String service = "rollout";
  private final Map<String, long[]> received = new ConcurrentHashMap<>();
  private ForkedJvm controller;
  private UserApi api;

  private RolloutScale(DriverOptions options, Path logs) {
    this.options = options;
    this.logs = logs;
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options =
        DriverOptions.parse(
            args, Set.of("agents", "rounds", "waves", "bake", "heartbeat", "cli"), USAGE);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path logs = DriverOptions.benchJar().getParent().resolve("rollout-scale-" + stamp);
    Files.createDirectories(logs);
    System.out.println("logs and controller data in " + logs);
    new RolloutScale(options, logs).run();
  }

  private void run() throws Exception {
    System.out.println("loadavg before: " + Files.readString(Path.of("/proc/loadavg")).trim());
    Path cli = options.jar("cli", "jlive-cli", "jlive.jar");
    controller =
        ForkedJvm.start(
            "controller",
            List.of(
                "-jar",
                cli.toString(),
                "controller",
                "start",
                "--port",
                "0",
                "--data-dir",
                logs.resolve("controller-data").toString(),
                "--heartbeat",
                options.string("heartbeat", "5s")),
            logs.resolve("controller.stderr"));
    try {
      Matcher listening = controller.awaitLine(LISTENING, Duration.ofSeconds(90));
      URI url = URI.create(listening.group(1));
      // The controller writes its admin token into its data dir.
      api =
          new UserApi(
              url, Files.readString(logs.resolve("controller-data").resolve("token")).trim());
      String agentToken =
          (String)
              api.ok(
                      api.post(
                          FleetApi.USERS,
                          Map.of("name", "agents", "roles", List.of("agent@" + service))),
                      "adding the agents' user")
                  .get("token");
      int count = options.integer("agents", 2000);
      try (SimulatedAgents agents =
          new SimulatedAgents(
              url,
              agentToken,
              service,
              count,
              200_000,
              Map.of("zone", "sim"),
              64,
              (index, id, nanos) ->
                  received.computeIfAbsent(id, k -> new long[count])[index] = nanos)) {
        agents.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (processCount() < count && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        System.out.println(count + " agents registered");
        rounds(count);
        System.out.println("simulated agents: errors " + agents.errors());
      }
    } finally {
      controller.close();
      System.out.println("loadavg after: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }
  }

  @SuppressWarnings("unchecked")
  private void rounds(int count) throws Exception {
    List<String> waves = Arrays.asList(options.string("waves", "1,10%,50%,100%").split(","));
    long bake = parseMillis(options.string("bake", "2s"));
    int rounds = options.integer("rounds", 5);
    List<List<Double>> toApplied = new ArrayList<>();
    List<List<Double>> delivery = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      toApplied.add(new ArrayList<>());
      delivery.add(new ArrayList<>());
    }
    List<Double> totals = new ArrayList<>();
    ProcessCost.Window cpu = ProcessCost.Window.start(controller.pid());
    for (int round = 1; round <= rounds; round++) {
      Map<String, Object> change =
          JsonObject.create()
              .put("kind", ChangeKind.PROBE)
              .put(
                  "spec",
                  ProbeSpec.builder("com.acme.Rollout" + round + "#handle", ProbeSpec.Kind.COUNT)
                      .build())
              .put("rollout", Map.of("waves", waves, "bakeMillis", bake, "minCalls", 1))
              .toMap();
      long start = System.nanoTime();
      Map<String, Object> added =
          api.ok(api.post(FleetApi.changes(service), change), "adding the change");
      String id = (String) ((Map<String, Object>) added.get("change")).get("id");
      long[] reachedAt = new long[waves.size()];
      long[] appliedAt = new long[waves.size()];
      Map<String, Object> rollout;
      while (true) {
        rollout =
            (Map<String, Object>)
                api.ok(api.get(FleetApi.rollout(service, id)), "reading the rollout")
                    .get("rollout");
        long now = System.nanoTime();
        List<Map<String, Object>> reached = (List<Map<String, Object>>) rollout.get("waves");
        boolean done = "completed".equals(rollout.get("status"));
        for (int w = 0; w < reached.size(); w++) {
          if (reachedAt[w] == 0) {
            reachedAt[w] = now;
          }
          boolean applied =
              w < reached.size() - 1 || done || !"applying".equals(rollout.get("step"));
          if (applied && appliedAt[w] == 0) {
            appliedAt[w] = now;
          }
        }
        Object status = rollout.get("status");
        if (done || "rolled_back".equals(status) || "aborted".equals(status)) {
          break;
        }
        Thread.sleep(20);
      }
      totals.add((System.nanoTime() - start) / 1e6);
      List<Map<String, Object>> reached = (List<Map<String, Object>>) rollout.get("waves");
      long[] got = received.getOrDefault(id, new long[count]);
      for (int w = 0; w < reached.size(); w++) {
        toApplied.get(w).add((appliedAt[w] - reachedAt[w]) / 1e6);
        for (Object process : (List<Object>) reached.get(w).get("processes")) {
          Matcher host = SIM_HOST.matcher(String.valueOf(process));
          if (host.find()) {
            long at = got[Integer.parseInt(host.group(1))];
            if (at > 0) {
              delivery.get(w).add(Math.max(0, at - reachedAt[w]) / 1e6);
            }
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "round %d: %s %s in %.1f s%n",
          round,
          id,
          rollout.get("status"),
          totals.get(totals.size() - 1) / 1000);
      api.ok(api.delete(FleetApi.change(service, id)), "reverting the change");
    }
    double cpuShare = cpu.percentOfOneCore();
    System.out.println();
    System.out.println(
        "| wave | processes | to all applied, median (min-max) ms | delivery p50 ms | p99 ms |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (int w = 0; w < waves.size(); w++) {
      List<Double> times = toApplied.get(w);
      double[] sorted =
          delivery.get(w).stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.0f (%.0f-%.0f) | %.0f | %.0f |%n",
          waves.get(w),
          sorted.length / Math.max(1, times.size()),
          median(times),
          times.stream().mapToDouble(Double::doubleValue).min().orElse(0),
          times.stream().mapToDouble(Double::doubleValue).max().orElse(0),
          percentile(sorted, 50),
          percentile(sorted, 99));
    }
    System.out.printf(
        Locale.ROOT,
        "whole rollout (%d waves, bake %d ms each): median %.1f s; controller CPU over %d rounds:"
            + " %.0f%% of one core%n",
        waves.size(),
        bake,
        median(totals) / 1000,
        rounds,
        cpuShare);
  }

  private int processCount() throws Exception {
    UserApi.Answer answer = api.get(FleetApi.processes(service));
    return answer.status() == 200 ? ((List<?>) answer.body().get("processes")).size() : 0;
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return percentile(sorted, 50);
  }

  private static double percentile(double[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static long parseMillis(String text) {
    if (text.endsWith("ms")) {
      return Long.parseLong(text.substring(0, text.length() - 2));
    }
    if (text.endsWith("s")) {
      return Long.parseLong(text.substring(0, text.length() - 1)) * 1000;
    }
    return Long.parseLong(text);
  }
}

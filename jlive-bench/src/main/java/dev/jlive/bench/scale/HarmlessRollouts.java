package dev.jlive.bench.scale;

import dev.jlive.bench.DemoClient;
import dev.jlive.bench.DriverOptions;
import dev.jlive.bench.ForkedJvm;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.governance.Policy;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.rollout.RolloutPlan;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * False rollbacks of a harmless patch (issue 13): a controller and N demo JVMs with the real agent,
 * each under load from this JVM (carts priced in a loop), and R staged rollouts of the pricing fix
 * (bug 1 of jlive-demo/BUGS.md) under the built-in health gates, each reverted after it ends so the
 * next is a new rollout. Every rollout that ends other than {@code completed} is a false rollback;
 * the goal is none.
 */
public final class HarmlessRollouts {
  private static final String USAGE =
      """
      java -cp jlive-bench.jar dev.jlive.bench.scale.HarmlessRollouts [options]
        --jvms N        demo JVMs (default 4)
        --rounds R      rollouts (default 20)
        --bake SECONDS  each wave's bake (default 5)
        --waves W       the plan (default 1,100%)
        --threads T     load threads per demo JVM (default 2)""";
  private static final Pattern LISTENING =
      Pattern.compile("listening on (\\S+) \\(ZooKeeper (.*), token in (.*)\\)\\s*$");
  private static final Pattern DEMO_READY =
      Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final String SERVICE = "harmless";
  private static final String BUG = "quantity > BULK_QUANTITY";
  private static final String FIX = "quantity >= BULK_QUANTITY";

  private HarmlessRollouts() {}

  public static void main(String[] args) throws Exception {
    DriverOptions options =
        DriverOptions.parse(args, Set.of("jvms", "rounds", "bake", "waves", "threads"), USAGE);
    Path logs =
        DriverOptions.benchJar()
            .getParent()
            .resolve(
                "harmless-rollouts-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now()));
    Files.createDirectories(logs);
    System.out.println("logs in " + logs);
    Path cli = options.jar("cli", "jlive-cli", "jlive.jar");
    Path agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
    Path demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
    String source =
        Files.readString(
            cli.getParent()
                .getParent()
                .getParent()
                .resolve("jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java"));
    if (!source.contains(BUG)) {
      throw new IOException("Pricing.java no longer contains " + BUG);
    }
    List<ForkedJvm> jvms = new ArrayList<>();
    List<Thread> load = new ArrayList<>();
    AtomicLong carts = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    try (ForkedJvm controller =
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
                "1s"),
            logs.resolve("controller.stderr"))) {
      Matcher listening = controller.awaitLine(LISTENING, Duration.ofSeconds(90));
      String url = listening.group(1);
      UserApi api =
          new UserApi(URI.create(url), Files.readString(tokenFile(listening.group(3))).trim());
      api.ok(api.put(FleetApi.POLICIES, new Policy(0, 0, 0, List.of()).toJson()), "policy");
      String agentToken =
          (String)
              api.ok(
                      api.post(
                          FleetApi.USERS,
                          Map.of("name", "agents", "roles", List.of("agent@" + SERVICE))),
                      "agents' user")
                  .get("token");
      int count = options.integer("jvms", 4);
      for (int i = 0; i < count; i++) {
        jvms.add(
            ForkedJvm.start(
                "demo-" + i,
                List.of(
                    "-javaagent:" + agent + "=controller=" + url + ",service=" + SERVICE + ",quiet",
                    "-Djlive.runtimeDir=" + logs.resolve("runtime-" + i),
                    "-jar",
                    demo.toString(),
                    "--port",
                    "0"),
                logs.resolve("demo-" + i + ".stderr"),
                Map.of(FleetApi.ENV_CONTROLLER_TOKEN, agentToken)));
      }
      int threads = options.integer("threads", 2);
      for (ForkedJvm jvm : jvms) {
        int port = Integer.parseInt(jvm.awaitLine(DEMO_READY, Duration.ofSeconds(120)).group(1));
        for (int t = 0; t < threads; t++) {
          Thread thread =
              new Thread(
                  () -> {
                    DemoClient shop = new DemoClient(port);
                    while (!Thread.currentThread().isInterrupted()) {
                      try {
                        shop.total(shop.bulkCart());
                        carts.incrementAndGet();
                      } catch (IOException | RuntimeException e) {
                        failures.incrementAndGet();
                      }
                    }
                  },
                  "load-" + port + "-" + t);
          thread.setDaemon(true);
          thread.start();
          load.add(thread);
        }
      }
      awaitProcesses(api, count);
      System.out.printf(
          Locale.ROOT, "%d demo JVMs registered, %d load threads each%n", count, threads);
      int rounds = options.integer("rounds", 20);
      long bakeMillis = options.integer("bake", 5) * 1000L;
      List<String> waves = RolloutPlan.parseWaves(options.string("waves", "1,100%"));
      int falseRollbacks = 0;
      for (int r = 1; r <= rounds; r++) {
        // A comment per round, so each round is a new change and not the last one sent again.
        String code = source.replace(BUG, FIX) + "\n// harmless rollout " + r + "\n";
        Map<String, Object> change =
            JsonObject.create()
                .put("kind", ChangeKind.PATCH)
                .put(
                    "spec",
                    PatchRequest.ofSources(List.of(new PatchRequest.Source("Pricing.java", code)))
                        .build())
                .put("rollout", new RolloutPlan(waves, null, bakeMillis, List.of(), 200))
                .toMap();
        long start = System.nanoTime();
        long cartsBefore = carts.get();
        ChangeAnswer added =
            ChangeAnswer.fromWire(
                api.ok(api.post(FleetApi.changes(SERVICE), change), "POST change"));
        String id = added.change().id();
        Map<String, Object> rollout = awaitEnded(api, id);
        double seconds = (System.nanoTime() - start) / 1e9;
        String status = (String) rollout.get("status");
        if (!"completed".equals(status)) {
          falseRollbacks++;
        }
        System.out.printf(
            Locale.ROOT,
            "round %2d %s: %s in %.1f s, %d carts; %s%n",
            r,
            id,
            status,
            seconds,
            carts.get() - cartsBefore,
            verdicts(rollout));
        api.ok(api.delete(FleetApi.change(SERVICE, id)), "DELETE change");
      }
      System.out.printf(
          Locale.ROOT,
          "false rollbacks: %d of %d rollouts; carts priced %d, failed requests %d; loadavg %s%n",
          falseRollbacks,
          rounds,
          carts.get(),
          failures.get(),
          Files.readString(Path.of("/proc/loadavg")).trim());
    } finally {
      load.forEach(Thread::interrupt);
      jvms.forEach(ForkedJvm::close);
    }
  }

  /** The token file of the controller's start line, which may go on with its signing key. */
  private static Path tokenFile(String rest) {
    int comma = rest.indexOf(", signing key in ");
    return Path.of((comma < 0 ? rest : rest.substring(0, comma)).trim());
  }

  @SuppressWarnings("unchecked")
  private static String verdicts(Map<String, Object> rollout) {
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> decision : (List<Map<String, Object>>) rollout.get("history")) {
      if (List.of("passed", "failed").contains(decision.get("decision"))) {
        lines.add(
            "wave "
                + decision.get("wave")
                + " "
                + decision.get("decision")
                + ": "
                + decision.get("detail"));
      }
    }
    return String.join(" | ", lines);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> awaitEnded(UserApi api, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      Map<String, Object> rollout =
          (Map<String, Object>)
              api.ok(api.get(FleetApi.rollout(SERVICE, id)), "GET rollout").get("rollout");
      if (List.of("completed", "rolled_back", "aborted").contains(rollout.get("status"))) {
        return rollout;
      }
      Thread.sleep(200);
    }
    throw new IOException("rollout " + id + " did not end within 5 minutes");
  }

  private static void awaitProcesses(UserApi api, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      UserApi.Answer answer = api.get(FleetApi.processes(SERVICE));
      if (answer.status() == 200
          && ProcessList.fromWire(answer.body()).processes().size() == count) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException(count + " demo JVMs did not register within 3 minutes");
  }
}

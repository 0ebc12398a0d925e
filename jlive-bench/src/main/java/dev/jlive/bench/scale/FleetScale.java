package dev.jlive.bench.scale;

import dev.jlive.bench.DemoClient;
import dev.jlive.bench.DriverOptions;
import dev.jlive.bench.ForkedJvm;
import dev.jlive.bench.LoadAverage;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeStatus;
import dev.jlive.protocol.change.ProcessResult;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.Health;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rollout time and controller cost for a service of many processes: a controller forked from the
 * CLI jar ({@code jlive controller start --port 0}), then N agents of one service (simulated ones
 * speaking the real protocol, {@link SimulatedAgents}, or with {@code --real N} demo JVMs with the
 * real agent), then rounds of: add a probe change to the service as {@code jlive probe add
 * --service} does, time until {@code GET /v1/services/S/changes/ID} shows every process {@code
 * applied}, revert it, time until every process shows {@code reverted}. The controller's CPU (from
 * {@code /proc/PID/stat}), resident memory and heap are taken while idle with every agent
 * registered and during the rounds.
 */
public final class FleetScale {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.scale.FleetScale [options]
        --agents N           simulated agents (default 2000)
        --real N             instead: N demo JVMs with the real agent (jlive-agent.jar controller=...,service=...)
        --rounds R           probe changes rolled out, one after another (default 20)
        --heartbeat D        the controller's --heartbeat, also the agents' long-poll wait (default 5s)
        --idle-seconds S     how long the idle cost is measured, every agent registered (default 30)
        --revert yes|no      revert each change after it is measured (default yes; no keeps all R active)
        --poll-ms MS         how often the change's status is read while waiting (default 20)
        --register-concurrency C   simulated registrations in flight at once (default 64)
        --controller-jvm-args "A B"  extra JVM options for the controller (default none: JVM defaults)
        --service NAME       service name (default scale)
        --warm-agents N|no   before the measured controller starts, run N simulated agents (default
                             500, at most --agents) through --warm-rounds rollouts and reverts against a
                             throwaway controller of their own, so that the measured rounds time the
                             controller and delivery, not this JVM's cold agent code (real agents run
                             on their own hosts); their cold cost is reported apart. no: the old way,
                             every agent's code cold in round 1
        --warm-rounds R      rollouts of the warm-up (default 3)
        --jvm-counters yes|no  read the controller's class-loading and JIT counters (jcmd
                             PerfCounter.print) before and after each round's apply (default no)
        --status-reads N     status reads back to back after the rounds, their cost measured apart (default 10)
        --report poll|apart  simulated agents report a change on their next long poll (default, as
                             the agent does since issue 16) or apart, with a sync that does not wait
        --cli JAR            jlive.jar (default: ../../jlive-cli/target/jlive.jar from this jar)
        --agent JAR          jlive-agent.jar, for --real (default: ../../jlive-agent/target/jlive-agent.jar)
        --demo JAR           jlive-demo.jar, for --real (default: ../../jlive-demo/target/jlive-demo.jar)""";
  private static final Pattern LISTENING =
      Pattern.compile(
          "listening on (\\S+) \\(ZooKeeper (.*), token in (.*?)(?:, signing key in .*)?\\)\\s*$");
  private static final Pattern DEMO_READY =
      Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final Duration ROUND_LIMIT = Duration.ofSeconds(120);
  private static final String REAL_SELECTOR = "dev.jlive.demo.shop.Pricing#discountedPrice";

  private static final Set<String> JVM_COUNTERS =
      Set.of(
          "java.cls.loadedClasses",
          "sun.cls.sharedLoadedClasses",
          "sun.cls.time",
          "sun.cls.classVerifyTime",
          "sun.cls.parseClassTime",
          "sun.ci.totalCompiles",
          "sun.ci.standardTime",
          "sun.ci.osrTime",
          "sun.os.hrt.frequency");

  private final DriverOptions options;
  private final boolean warmUp;
  private final String label;
  private final String service;
  private final int rounds;
  private final boolean revert;
  private final long pollMillis;
  private final Path logs;
  private final LoadAverage load = new LoadAverage();
  private final Map<String, AtomicLongArray> received = new ConcurrentHashMap<>();
  private ForkedJvm controller;
  private String controllerUrl;
  private String token;
  private String agentToken;
  private UserApi api;
  private long idleLiveHeap = -1;
  private int expected;

  private FleetScale(DriverOptions options, Path logs, boolean warmUp) {
    this.options = options;
    this.warmUp = warmUp;
    this.label = warmUp ? "warm-up " : "";
    this.service = options.string("service", "scale");
    this.rounds = options.integer("rounds", 20);
    this.revert = !options.string("revert", "yes").equals("no");
    this.pollMillis = options.integer("poll-ms", 20);
    this.logs = logs;
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options =
        DriverOptions.parse(
            args,
            Set.of(
                "agents",
                "real",
                "rounds",
                "heartbeat",
                "idle-seconds",
                "revert",
                "poll-ms",
                "register-concurrency",
                "controller-jvm-args",
                "service",
                "report",
                "warm-agents",
                "warm-rounds",
                "jvm-counters",
                "status-reads",
                "cli",
                "agent",
                "demo"),
            USAGE);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path logs = DriverOptions.benchJar().getParent().resolve("fleet-scale-" + stamp);
    Files.createDirectories(logs);
    System.out.println("logs and controller data in " + logs);
    new FleetScale(options, logs, false).run();
  }

  private void run() throws Exception {
    if (!warmUp && options.string("real", null) == null) {
      warmAgents();
    }
    System.out.println(
        "loadavg before: "
            + Files.readString(Path.of("/proc/loadavg")).trim()
            + " at "
            + Instant.now());
    load.sample();
    startController();
    try {
      if (options.string("real", null) != null) {
        runReal(options.integer("real", 10));
      } else {
        runSimulated(options.integer("agents", 2000));
      }
    } finally {
      controller.close();
      System.out.println(
          "loadavg after: "
              + Files.readString(Path.of("/proc/loadavg")).trim()
              + " at "
              + Instant.now()
              + "; 1-minute load sampled during the run: "
              + load.range());
      System.out.println(
          "controller log: "
              + logs.resolve("controller.stderr")
              + " ("
              + controllerLogSummary()
              + ")");
    }
  }

  private void startController() throws IOException, InterruptedException {
    Path cli = options.jar("cli", "jlive-cli", "jlive.jar");
    List<String> command = new ArrayList<>();
    String jvmArgs = options.string("controller-jvm-args", "").trim();
    if (!jvmArgs.isEmpty()) {
      command.addAll(Arrays.asList(jvmArgs.split("\\s+")));
    }
    command.addAll(
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
            options.string("heartbeat", "5s")));
    controller = ForkedJvm.start("controller", command, logs.resolve("controller.stderr"));
    Matcher listening = controller.awaitLine(LISTENING, Duration.ofSeconds(90));
    String url = listening.group(1);
    controllerUrl = url;
    token = Files.readString(Path.of(listening.group(3).trim())).trim();
    api = new UserApi(URI.create(url), token);
    System.out.println(
        "controller pid "
            + controller.pid()
            + " at "
            + url
            + " (ZooKeeper "
            + listening.group(2)
            + "), JVM options: "
            + (jvmArgs.isEmpty() ? "defaults" : jvmArgs));
  }

  // ---- simulated agents ----

  /**
   * Runs this JVM's agent code (requests, answers, applies, status reads) through a few rollouts
   * against a throwaway controller, before the measured controller starts: real agents each run on
   * their own host, so their first apply is cold in parallel and does not take the controller's
   * CPU; here all of them share this JVM and the controller's two cores. Nothing of it reaches the
   * measured controller: its own process, data directory and ZooKeeper.
   */
  private void warmAgents() throws Exception {
    String warm = options.string("warm-agents", "500");
    if (warm.equals("no") || warm.equals("0")) {
      System.out.println("warm-up: none (--warm-agents no): the agents' code is cold in round 1");
      return;
    }
    int count = Math.min(options.integer("warm-agents", 500), options.integer("agents", 2000));
    Path warmLogs = logs.resolve("warm-up");
    Files.createDirectories(warmLogs);
    System.out.println(
        "warm-up: "
            + count
            + " simulated agents, "
            + options.integer("warm-rounds", 3)
            + " rollouts against a throwaway controller (logs in "
            + warmLogs
            + ")");
    long cpu0 = ProcessCost.cpuNanos(ProcessHandle.current().pid());
    long wall0 = System.nanoTime();
    new FleetScale(
            options
                .with("agents", String.valueOf(count))
                .with("rounds", String.valueOf(options.integer("warm-rounds", 3)))
                .with("jvm-counters", "no"),
            warmLogs,
            true)
        .run();
    System.out.printf(
        Locale.ROOT,
        "warm-up done in %.1f s, this JVM's CPU %.1f s; now the measured controller%n%n",
        (System.nanoTime() - wall0) / 1e9,
        (ProcessCost.cpuNanos(ProcessHandle.current().pid()) - cpu0) / 1e9);
  }

  private void runSimulated(int count) throws Exception {
    expected = count;
    URI url = URI.create(controllerUrl());
    int concurrency = options.integer("register-concurrency", 64);
    try (SimulatedAgents agents =
        new SimulatedAgents(
            url,
            agentToken(),
            service,
            count,
            100_000,
            Map.of("zone", "sim"),
            concurrency,
            (index, id, nanos) ->
                received.computeIfAbsent(id, k -> filled(count)).set(index, nanos))) {
      agents.reportApart(options.string("report", "poll").equals("apart"));
      long self = ProcessHandle.current().pid();
      ProcessCost.Window registration = ProcessCost.Window.start(controller.pid());
      agents.start();
      awaitRegistered(() -> agents.registered() == count, Duration.ofMinutes(10));
      System.out.printf(
          Locale.ROOT,
          "%d agents registered in %.1f s (controller CPU %.0f%% of one core meanwhile), "
              + "%d registrations sent, errors: %s%n",
          count,
          registration.seconds(),
          registration.percentOfOneCore(),
          agents.registrations(),
          agents.errors());
      BooleanSupplier quiet = () -> agents.longPolling() == count;
      awaitQuiet(quiet, null, agents);
      if (warmUp) {
        List<Round> done = runRounds(quiet, agents, new Cost(controller.pid(), self));
        reportAgentsCold(done, agents);
        return;
      }
      Cost idle = measureIdle(self, agents);
      Cost rollout = new Cost(controller.pid(), self);
      List<Round> done = runRounds(quiet, agents, rollout);
      rollout.finish(agents);
      report(done, idle, rollout, true);
      measureStatusReads(done.get(done.size() - 1).id(), options.integer("status-reads", 10));
      System.out.printf(
          Locale.ROOT,
          "this JVM's first apply (CPU of the callback thread): %s µs%n",
          fmt(agents.firstApplyCpuNanos() / 1e3));
      System.out.println(
          "simulated agents: "
              + agents.syncs()
              + " syncs, "
              + agents.registrations()
              + " registrations ("
              + agents.reRegistrations()
              + " after UNKNOWN_PROCESS), errors: "
              + agents.errors());
      System.out.println("live processes at the end: " + processCount() + " of " + count);
    }
  }

  // ---- real JVMs ----

  private void runReal(int count) throws Exception {
    expected = count;
    Path agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
    Path demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
    List<ForkedJvm> demos = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        demos.add(
            ForkedJvm.start(
                "demo-" + i,
                List.of(
                    "-javaagent:"
                        + agent
                        + "=controller="
                        + controllerUrl()
                        + ",service="
                        + service
                        + ",quiet",
                    "-Djlive.runtimeDir=" + logs.resolve("runtime-" + i),
                    "-jar",
                    demo.toString(),
                    "--port",
                    "0"),
                logs.resolve("demo-" + i + ".stderr"),
                Map.of(FleetApi.ENV_CONTROLLER_TOKEN, agentToken())));
      }
      for (ForkedJvm jvm : demos) {
        // One priced cart, so that Pricing is loaded: the probe targets loaded classes.
        DemoClient shop =
            new DemoClient(
                Integer.parseInt(jvm.awaitLine(DEMO_READY, Duration.ofSeconds(120)).group(1)));
        shop.total(shop.bulkCart());
      }
      long start = System.nanoTime();
      awaitRegistered(() -> false, Duration.ofMinutes(3));
      System.out.printf(
          Locale.ROOT,
          "%d demo JVMs registered (%.1f s after the last was ready)%n",
          count,
          (System.nanoTime() - start) / 1e9);
      awaitQuiet(() -> true, null, null);
      Cost idle = measureIdle(ProcessHandle.current().pid(), null);
      Cost rollout = new Cost(controller.pid(), ProcessHandle.current().pid());
      List<Round> done = runRounds(() -> true, null, rollout);
      rollout.finish(null);
      report(done, idle, rollout, false);
      System.out.println("live processes at the end: " + processCount() + " of " + count);
    } finally {
      demos.forEach(ForkedJvm::close);
    }
  }

  // ---- rounds ----

  /**
   * One rollout: when the change was sent, and what was seen until every process applied (and
   * reverted) it.
   */
  record Round(
      int number,
      String id,
      double postMillis,
      double allAppliedMillis,
      double lastAckMillis,
      double[] deliveryMillis,
      double[] seenAppliedMillis,
      double revertMillis,
      int statusReads,
      double statusReadMedianMillis,
      String miss,
      double controllerApplyCpuMillis,
      double controllerRevertCpuMillis,
      double selfApplyCpuMillis,
      long[] agentApplyCpuNanos,
      String jvmCounters) {}

  private List<Round> runRounds(BooleanSupplier agentsQuiet, SimulatedAgents agents, Cost cost)
      throws Exception {
    List<Round> done = new ArrayList<>();
    String previous = null;
    for (int r = 1; r <= rounds; r++) {
      awaitQuiet(agentsQuiet, previous, agents);
      String selector =
          options.string("real", null) != null ? REAL_SELECTOR : "com.acme.Round" + r + "#handle";
      Map<String, Object> change =
          JsonObject.create()
              .put("kind", ChangeKind.PROBE)
              .put("spec", ProbeSpec.builder(selector, ProbeSpec.Kind.COUNT).build())
              .toMap();
      Map<String, Long> countersBefore = jvmCounters();
      long controllerCpu0 = ProcessCost.cpuNanos(controller.pid());
      long selfCpu0 = ProcessCost.cpuNanos(ProcessHandle.current().pid());
      long t0 = System.nanoTime();
      ChangeAnswer added =
          ChangeAnswer.fromWire(
              api.ok(api.post(FleetApi.changes(service), change), "POST changes"));
      double postMillis = (System.nanoTime() - t0) / 1e6;
      String id = added.change().id();
      if (!Boolean.TRUE.equals(added.created())) {
        throw new IOException(
            "round " + r + ": the change was not created (deduplicated?): " + added.toJson());
      }
      Watch applied = watch(id, ProcessState.APPLIED, t0);
      double controllerApplyCpu = (ProcessCost.cpuNanos(controller.pid()) - controllerCpu0) / 1e6;
      double selfApplyCpu = (ProcessCost.cpuNanos(ProcessHandle.current().pid()) - selfCpu0) / 1e6;
      // The controller writes a report before it answers the sync that carried it: the last answers
      // may still be on their way.
      long ackDeadline = System.nanoTime() + 10_000_000_000L;
      while (agents != null
          && agents.acknowledged(id) < expected
          && System.nanoTime() < ackDeadline) {
        Thread.sleep(5);
      }
      double lastAck =
          agents == null ? Double.NaN : millisSince(t0, agents.lastAcknowledgedNanos(id));
      double[] delivery = agents == null ? new double[0] : delivery(id, t0);
      String counters = countersDelta(countersBefore, jvmCounters());
      double revertMillis = Double.NaN;
      double controllerRevertCpu = Double.NaN;
      String miss = applied.miss;
      if (revert) {
        long revertCpu0 = ProcessCost.cpuNanos(controller.pid());
        long t1 = System.nanoTime();
        api.ok(api.delete(FleetApi.change(service, id)), "DELETE change");
        Watch reverted = watch(id, ProcessState.REVERTED, t1);
        revertMillis = reverted.allMillis;
        controllerRevertCpu = (ProcessCost.cpuNanos(controller.pid()) - revertCpu0) / 1e6;
        if (reverted.miss != null) {
          miss = (miss == null ? "" : miss + "; ") + "revert: " + reverted.miss;
        }
      }
      Round round =
          new Round(
              r,
              id,
              postMillis,
              applied.allMillis,
              lastAck,
              delivery,
              applied.seenMillis,
              revertMillis,
              applied.reads,
              applied.readMedianMillis,
              miss,
              controllerApplyCpu,
              controllerRevertCpu,
              selfApplyCpu,
              agents == null ? new long[0] : agents.applyCpuNanos(id),
              counters);
      done.add(round);
      cost.sample(r % 5 == 0);
      load.sample();
      System.out.printf(
          Locale.ROOT,
          "%sround %2d: CPU until all applied: controller %.0f ms, this JVM %.0f ms; revert: controller"
              + " %.0f ms; agents' apply CPU median %s / p99 %s µs%s%n",
          label,
          r,
          controllerApplyCpu,
          selfApplyCpu,
          controllerRevertCpu,
          fmt(percentile(micros(round.agentApplyCpuNanos), 0.5)),
          fmt(percentile(micros(round.agentApplyCpuNanos), 0.99)),
          counters.isEmpty() ? "" : "; controller JVM during the apply: " + counters);
      System.out.printf(
          Locale.ROOT,
          "%sround %2d %-5s post %6.1f ms, all applied %7.1f ms (status), last ack %7.1f ms (agents), "
              + "delivery first %6.1f / median %6.1f / max %7.1f ms, revert %7.1f ms, %3d status reads (median %.1f ms)%s%n",
          label,
          r,
          id,
          postMillis,
          applied.allMillis,
          lastAck,
          percentile(delivery, 0),
          percentile(delivery, 0.5),
          percentile(delivery, 1.0),
          revertMillis,
          applied.reads,
          applied.readMedianMillis,
          miss == null ? "" : "  MISS: " + miss);
      previous = revert ? id : null;
    }
    return done;
  }

  /**
   * What polling a change's status saw: when every process reached the state, and when each one
   * did.
   */
  private record Watch(
      double allMillis, double[] seenMillis, int reads, double readMedianMillis, String miss) {}

  private Watch watch(String id, ProcessState state, long t0)
      throws IOException, InterruptedException {
    // When each process was first seen in the state, in the order seen: the deliveries' spread.
    Set<String> seenProcesses = new HashSet<>();
    List<Double> seen = new ArrayList<>();
    List<Double> reads = new ArrayList<>();
    long deadline = t0 + ROUND_LIMIT.toNanos();
    Map<ProcessState, Integer> states = Map.of();
    while (System.nanoTime() < deadline) {
      long before = System.nanoTime();
      Map<String, Object> answer = api.ok(api.get(FleetApi.change(service, id)), "GET change");
      long after = System.nanoTime();
      reads.add((after - before) / 1e6);
      ChangeStatus status = ChangeStatus.fromWire(answer);
      states = new EnumMap<>(ProcessState.class);
      int reached = 0;
      for (ProcessResult result : status.results()) {
        states.merge(result.state(), 1, Integer::sum);
        if (result.state() == state) {
          reached++;
          if (seenProcesses.add(result.process())) {
            seen.add((after - t0) / 1e6);
          }
        }
      }
      int failed = states.getOrDefault(ProcessState.FAILED, 0);
      if (reached < expected && failed > 0 && reached + failed >= expected) {
        return new Watch(
            Double.NaN,
            seen.stream().mapToDouble(Double::doubleValue).toArray(),
            reads.size(),
            percentile(reads.stream().mapToDouble(Double::doubleValue).toArray(), 0.5),
            "failed on " + failed + " processes: " + answer.get("results"));
      }
      if (reached >= expected) {
        return new Watch(
            (after - t0) / 1e6,
            seen.stream().mapToDouble(Double::doubleValue).toArray(),
            reads.size(),
            percentile(reads.stream().mapToDouble(Double::doubleValue).toArray(), 0.5),
            null);
      }
      long pause = pollMillis * 1_000_000L - (System.nanoTime() - before);
      if (pause > 0) {
        Thread.sleep(pause / 1_000_000L, (int) (pause % 1_000_000L));
      }
    }
    return new Watch(
        Double.NaN,
        seen.stream().mapToDouble(Double::doubleValue).toArray(),
        reads.size(),
        percentile(reads.stream().mapToDouble(Double::doubleValue).toArray(), 0.5),
        "not every process "
            + JsonObject.wireName(state)
            + " within "
            + ROUND_LIMIT.toSeconds()
            + " s: "
            + states);
  }

  private double[] delivery(String id, long t0) {
    AtomicLongArray times = received.get(id);
    if (times == null) {
      return new double[0];
    }
    double[] millis = new double[times.length()];
    int n = 0;
    for (int i = 0; i < times.length(); i++) {
      if (times.get(i) > 0) {
        millis[n++] = (times.get(i) - t0) / 1e6;
      }
    }
    return Arrays.copyOf(millis, n);
  }

  /**
   * What one status read costs, apart from everything else: {@code n} reads of a change back to
   * back after the rounds (every agent idle), the controller's and this JVM's CPU over them. The
   * bench, like {@code jlive patch --service}, reads the status every {@code --poll-ms} during a
   * rollout.
   */
  private void measureStatusReads(String id, int n) throws IOException, InterruptedException {
    long controllerCpu0 = ProcessCost.cpuNanos(controller.pid());
    long selfCpu0 = ProcessCost.cpuNanos(ProcessHandle.current().pid());
    double[] wall = new double[n];
    int results = 0;
    for (int i = 0; i < n; i++) {
      long before = System.nanoTime();
      results =
          ChangeStatus.fromWire(api.ok(api.get(FleetApi.change(service, id)), "GET change"))
              .results()
              .size();
      wall[i] = (System.nanoTime() - before) / 1e6;
    }
    System.out.printf(
        Locale.ROOT,
        "status read of %s (%d results), %d back to back after the rounds: controller CPU %.1f ms"
            + " per read, this JVM's (reading the answer) %.1f ms, wall median %s ms%n",
        id,
        results,
        n,
        (ProcessCost.cpuNanos(controller.pid()) - controllerCpu0) / 1e6 / n,
        (ProcessCost.cpuNanos(ProcessHandle.current().pid()) - selfCpu0) / 1e6 / n,
        fmt(percentile(wall, 0.5)));
  }

  /** The controller's class-loading and JIT counters, when asked for (--jvm-counters yes). */
  private Map<String, Long> jvmCounters() {
    return options.string("jvm-counters", "no").equals("yes")
        ? ProcessCost.perfCounters(controller.pid(), JVM_COUNTERS)
        : Map.of();
  }

  /**
   * Classes loaded (and of them from the CDS archive), the time in class loading, compilations and
   * the JIT's time between two readings; the times are elapsed, not CPU, and summed over threads.
   */
  private static String countersDelta(Map<String, Long> before, Map<String, Long> after) {
    if (before.isEmpty() || after.isEmpty()) {
      return "";
    }
    double ticksPerMilli = after.getOrDefault("sun.os.hrt.frequency", 1_000_000_000L) / 1e3;
    java.util.function.ToLongFunction<String> delta =
        name -> after.getOrDefault(name, 0L) - before.getOrDefault(name, 0L);
    return String.format(
        Locale.ROOT,
        "%d classes loaded (%d shared), class loading %.0f ms (verify %.0f, parse %.0f), "
            + "%d compilations, JIT %.0f ms",
        delta.applyAsLong("java.cls.loadedClasses"),
        delta.applyAsLong("sun.cls.sharedLoadedClasses"),
        delta.applyAsLong("sun.cls.time") / ticksPerMilli,
        delta.applyAsLong("sun.cls.classVerifyTime") / ticksPerMilli,
        delta.applyAsLong("sun.cls.parseClassTime") / ticksPerMilli,
        delta.applyAsLong("sun.ci.totalCompiles"),
        (delta.applyAsLong("sun.ci.standardTime") + delta.applyAsLong("sun.ci.osrTime"))
            / ticksPerMilli);
  }

  /** The agents' cold cost, from the warm-up: what a real agent pays once, on its own host. */
  private void reportAgentsCold(List<Round> done, SimulatedAgents agents) {
    Round first = done.get(0);
    Round last = done.get(done.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "warm-up: the agents' cold cost: this JVM's first apply %s µs CPU; apply CPU per agent, "
            + "median round 1 %s µs, round %d %s µs; this JVM's CPU until all applied, round 1 %.0f"
            + " ms, round %d %.0f ms (%d agents; status reads included)%n",
        fmt(agents.firstApplyCpuNanos() / 1e3),
        fmt(percentile(micros(first.agentApplyCpuNanos), 0.5)),
        last.number,
        fmt(percentile(micros(last.agentApplyCpuNanos), 0.5)),
        first.selfApplyCpuMillis,
        last.number,
        last.selfApplyCpuMillis,
        expected);
  }

  private static double[] micros(long[] nanos) {
    return Arrays.stream(nanos).mapToDouble(n -> n / 1e3).toArray();
  }

  // ---- waiting ----

  private void awaitRegistered(BooleanSupplier agentsSide, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    long nextPrint = System.nanoTime();
    int live = 0;
    while (System.nanoTime() < deadline) {
      live = processCount();
      if (live >= expected && (agentsSide.getAsBoolean() || options.string("real", null) != null)) {
        return;
      }
      if (System.nanoTime() > nextPrint) {
        System.out.println("  " + live + " of " + expected + " processes registered");
        nextPrint = System.nanoTime() + 5_000_000_000L;
      }
      Thread.sleep(500);
    }
    throw new IOException(
        "only "
            + live
            + " of "
            + expected
            + " processes registered within "
            + limit.toSeconds()
            + " s");
  }

  /**
   * Every agent long-polling again (and the controller holding every poll), the previous change out
   * of every report.
   */
  private void awaitQuiet(BooleanSupplier agentsQuiet, String previous, SimulatedAgents agents)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      boolean simsDone =
          agentsQuiet.getAsBoolean()
              && (previous == null || agents == null || agents.holding(previous) == 0);
      if (simsDone && waitingPolls() >= expected) {
        return;
      }
      Thread.sleep(20);
    }
    System.out.println(
        "  (not quiet after 60 s: "
            + waitingPolls()
            + " polls parked of "
            + expected
            + (agents == null ? "" : ", " + agents.longPolling() + " agents long-polling")
            + "; going on)");
  }

  private int processCount() throws IOException, InterruptedException {
    UserApi.Answer answer = api.get(FleetApi.processes(service));
    return answer.status() == 200 ? ProcessList.fromWire(answer.body()).processes().size() : 0;
  }

  private int waitingPolls() throws IOException, InterruptedException {
    return Health.fromWire(api.ok(api.get(FleetApi.HEALTH), "health")).waitingPolls();
  }

  // ---- cost ----

  /** The controller's (and this JVM's) CPU over a window, and memory samples in it. */
  private static final class Cost {
    final ProcessCost.Window controllerCpu;
    final ProcessCost.Window selfCpu;
    final long pid;
    final List<Long> rss = new ArrayList<>();
    final List<Long> heapUsed = new ArrayList<>();
    long heapTotal = -1;
    double controllerPercent;
    double selfPercent;
    double seconds;
    long syncsStart;
    double syncsPerSecond = Double.NaN;
    int threads;
    int fds;

    Cost(long pid, long self) {
      this.pid = pid;
      this.controllerCpu = ProcessCost.Window.start(pid);
      this.selfCpu = ProcessCost.Window.start(self);
    }

    void sample(boolean heap) {
      rss.add(ProcessCost.rssKib(pid));
      if (heap) {
        long[] info = ProcessCost.heapKib(pid);
        if (info != null) {
          heapTotal = info[0];
          heapUsed.add(info[1]);
        }
      }
    }

    void finish(SimulatedAgents agents) {
      controllerPercent = controllerCpu.percentOfOneCore();
      selfPercent = selfCpu.percentOfOneCore();
      seconds = controllerCpu.seconds();
      if (agents != null) {
        syncsPerSecond = (agents.syncs() - syncsStart) / seconds;
      }
      threads = ProcessCost.threads(pid);
      fds = ProcessCost.fds(pid);
      sample(true);
    }
  }

  private Cost measureIdle(long self, SimulatedAgents agents) throws InterruptedException {
    int seconds = options.integer("idle-seconds", 30);
    Cost idle = new Cost(controller.pid(), self);
    idle.syncsStart = agents == null ? 0 : agents.syncs();
    if (agents != null) {
      agents.takeOverhangMillis();
    }
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1000);
      // jcmd attaches to the controller: every 10 s only, so that it hardly counts.
      idle.sample(s % 10 == 0 && s < seconds);
    }
    idle.finish(agents);
    load.sample();
    if (agents != null) {
      double[] overhang = agents.takeOverhangMillis();
      System.out.printf(
          Locale.ROOT,
          "idle long polls answered unchanged: %d, held longer than their wait by median %s ms, "
              + "p99 %s ms, max %s ms (round trip and scheduling included)%n",
          overhang.length,
          fmt(percentile(overhang, 0.5)),
          fmt(percentile(overhang, 0.99)),
          fmt(percentile(overhang, 1)));
    }
    ProcessCost.fullGc(controller.pid());
    long[] afterGc = ProcessCost.heapKib(controller.pid());
    System.out.printf(
        Locale.ROOT,
        "idle %.0f s: controller CPU %.1f%% of one core, RSS %s, heap used %s of %s, "
            + "live heap after a full GC %s, %d threads, %d fds; this JVM %.1f%%; %.0f syncs/s%n",
        idle.seconds,
        idle.controllerPercent,
        mib(idle.rss),
        mib(idle.heapUsed),
        mib(idle.heapTotal),
        afterGc == null ? "?" : mib(afterGc[1]),
        idle.threads,
        idle.fds,
        idle.selfPercent,
        idle.syncsPerSecond);
    idleLiveHeap = afterGc == null ? -1 : afterGc[1];
    return idle;
  }

  // ---- report ----

  private void report(List<Round> done, Cost idle, Cost rollout, boolean simulated) {
    double[] all =
        done.stream().filter(r -> r.miss == null).mapToDouble(Round::allAppliedMillis).toArray();
    double[] reverts =
        done.stream().filter(r -> r.miss == null).mapToDouble(Round::revertMillis).toArray();
    double[] posts = done.stream().mapToDouble(Round::postMillis).toArray();
    double[] acks = done.stream().mapToDouble(Round::lastAckMillis).toArray();
    double[] delivery =
        done.stream().flatMapToDouble(r -> Arrays.stream(r.deliveryMillis)).toArray();
    double[] seen =
        done.stream().flatMapToDouble(r -> Arrays.stream(r.seenAppliedMillis)).toArray();
    double[] statusReads = done.stream().mapToDouble(Round::statusReadMedianMillis).toArray();
    System.out.println();
    System.out.println(
        "| round | change | POST answered (ms) | every process applied, status (ms) | last agent's report answered (ms) "
            + "| delivery median / max (ms) | every process reverted (ms) |");
    System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
    for (Round r : done) {
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %.1f | %s | %s | %s | %s |%n",
          r.number,
          r.id,
          r.postMillis,
          r.miss != null ? "**miss**: " + r.miss : fmt(r.allAppliedMillis),
          fmt(r.lastAckMillis),
          r.deliveryMillis.length == 0
              ? "n/a"
              : fmt(percentile(r.deliveryMillis, 0.5))
                  + " / "
                  + fmt(percentile(r.deliveryMillis, 1)),
          fmt(r.revertMillis));
    }
    System.out.println();
    System.out.println(
        "| round | controller CPU until all applied (ms) | controller CPU for the revert (ms) "
            + "| this JVM's CPU until all applied (ms) | agents' apply CPU, median / p99 (µs) "
            + "| controller JVM during the apply |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | --- |");
    for (Round r : done) {
      double[] apply = micros(r.agentApplyCpuNanos);
      System.out.printf(
          Locale.ROOT,
          "| %d | %.0f | %.0f | %.0f | %s | %s |%n",
          r.number,
          r.controllerApplyCpuMillis,
          r.controllerRevertCpuMillis,
          r.selfApplyCpuMillis,
          apply.length == 0
              ? "n/a"
              : fmt(percentile(apply, 0.5)) + " / " + fmt(percentile(apply, 0.99)),
          r.jvmCounters.isEmpty() ? "(--jvm-counters no)" : r.jvmCounters);
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "| over %d rounds (%d processes) | median | p99 | max |%n",
        done.size(),
        expected);
    System.out.println("| --- | ---: | ---: | ---: |");
    row("time to every process applied (status read every " + pollMillis + " ms)", all);
    if (simulated) {
      row("time to the last agent's applied report answered", acks);
      row("delivery per process (" + delivery.length + " deliveries)", delivery);
    }
    row("applied first seen in the status, per process (" + seen.length + ")", seen);
    row("POST /changes answered", posts);
    if (revert) {
      row("time to every process reverted", reverts);
    }
    row("one status read (GET /changes/ID), median per round", statusReads);
    System.out.println();
    System.out.println("| controller | idle, every agent registered | during the rounds |");
    System.out.println("| --- | ---: | ---: |");
    System.out.printf(Locale.ROOT, "| window | %.0f s | %.0f s |%n", idle.seconds, rollout.seconds);
    System.out.printf(
        Locale.ROOT,
        "| CPU, %% of one core | %.1f | %.1f |%n",
        idle.controllerPercent,
        rollout.controllerPercent);
    System.out.printf(
        Locale.ROOT, "| RSS (MiB), min to max | %s | %s |%n", mib(idle.rss), mib(rollout.rss));
    System.out.printf(
        Locale.ROOT,
        "| heap used (MiB), samples min to max | %s | %s |%n",
        mib(idle.heapUsed),
        mib(rollout.heapUsed));
    System.out.printf(
        Locale.ROOT,
        "| heap committed (MiB) | %s | %s |%n",
        mib(idle.heapTotal),
        mib(rollout.heapTotal));
    System.out.printf(
        Locale.ROOT, "| live heap after a full GC (MiB) | %s | |%n", mib(idleLiveHeap));
    System.out.printf(
        Locale.ROOT,
        "| threads / open fds | %d / %d | %d / %d |%n",
        idle.threads,
        idle.fds,
        rollout.threads,
        rollout.fds);
    System.out.printf(
        Locale.ROOT,
        "| the driver's JVM (agents, status reads), CPU %% of one core | %.1f | %.1f |%n",
        idle.selfPercent,
        rollout.selfPercent);
    if (simulated) {
      System.out.printf(
          Locale.ROOT,
          "| syncs per second | %.0f | %.0f |%n",
          idle.syncsPerSecond,
          rollout.syncsPerSecond);
    }
  }

  private static void row(String what, double[] values) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %s | %s |%n",
        what,
        fmt(percentile(values, 0.5)),
        fmt(percentile(values, 0.99)),
        fmt(percentile(values, 1.0)));
  }

  /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
  static double percentile(double[] values, double p) {
    double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static String fmt(double millis) {
    return Double.isNaN(millis)
        ? "n/a"
        : String.format(Locale.ROOT, millis < 10 ? "%.2f" : "%.1f", millis);
  }

  private static String mib(long kib) {
    return kib < 0 ? "?" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
  }

  private static String mib(List<Long> kib) {
    if (kib.isEmpty()) {
      return "?";
    }
    long min = kib.stream().mapToLong(Long::longValue).min().orElse(-1);
    long max = kib.stream().mapToLong(Long::longValue).max().orElse(-1);
    return min == max ? mib(min) : mib(min) + " to " + mib(max);
  }

  private static double millisSince(long t0, long nanos) {
    return nanos < 0 ? Double.NaN : (nanos - t0) / 1e6;
  }

  private static AtomicLongArray filled(int count) {
    return new AtomicLongArray(count);
  }

  private String controllerLogSummary() {
    try {
      List<String> lines = Files.readAllLines(logs.resolve("controller.stderr"));
      long warnings =
          lines.stream().filter(l -> l.startsWith("WARNING") || l.startsWith("SEVERE")).count();
      long dropped = lines.stream().filter(l -> l.contains("stopped syncing; dropped")).count();
      return lines.size()
          + " lines, "
          + warnings
          + " WARNING/SEVERE, "
          + dropped
          + " processes dropped for silence";
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private String controllerUrl() {
    return controllerUrl;
  }

  /**
   * The agents' credential: an {@code agent@SERVICE} user made once through the user API (the
   * admin's token is not one).
   */
  private String agentToken() throws IOException, InterruptedException {
    if (agentToken == null) {
      Map<String, Object> added =
          api.ok(
              api.post(
                  FleetApi.USERS,
                  Map.of("name", "agents-" + service, "roles", List.of("agent@" + service))),
              "adding the agents' user");
      agentToken = (String) added.get("token");
    }
    return agentToken;
  }
}

package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.bench.floor.FloorAgent;
import dev.jlive.bench.floor.FloorClient;
import dev.jlive.protocol.patch.PatchDetail;
import dev.jlive.protocol.patch.PatchList;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.RevertResult;
import dev.jlive.protocol.patch.SafepointMode;
import dev.jlive.protocol.patch.SafepointReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time from sending a patch to the new code running, for a one-method patch of the demo shop
 * ({@code Pricing#discountedPrice}, bug 1 of {@code jlive-demo/BUGS.md}): fixed, then reverted,
 * over and over, in an idle demo JVM that runs the agent from {@code -javaagent}.
 *
 * <p>"Running" is seen from outside, as a client would: the patch is sent from one thread while
 * this one polls {@code GET /carts/{id}} of a cart with ten units of p2 (the total runs the
 * method), one request after another with a pause of {@code --poll-pause-us} (default 1 ms), and
 * the time is taken when the first answer with the fixed total (17991 instead of 19990) comes back.
 * The same for the revert (back to 19990). The time the endpoint takes to answer is reported beside
 * it: at a quiescent safe point the agent still unweaves its gate after the swap, so the new code
 * runs before the answer arrives.
 *
 * <p>Cases: jlive from source and from a class file (compiled once here with javax.tools against
 * the demo jar), each at the quiescent and at the immediate safe point; and the floor, a bare
 * {@code Instrumentation.redefineClasses} of the same class file by a second, minimal agent ({@link
 * FloorAgent}) loaded into the same demo JVM, told over a loopback socket. The same floor in a
 * second demo JVM without jlive shows what jlive's presence adds to the same call (its class file
 * transformer, which every redefinition passes through, and the classes it and the in-target
 * compiler loaded, which every redefinition walks). Each repetition starts with one dry run of each
 * input ({@code dryRun}: compile or read, compare, change nothing: the part of the time spent
 * before the JVM is asked for anything), then runs every case once, fix and revert, starting with a
 * different case each time. The first repetition is a warm-up and is reported apart.
 */
public final class PatchTime {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.PatchTime [options]
        --agent JAR          jlive-agent.jar (default: ../../jlive-agent/target/jlive-agent.jar from this jar)
        --demo JAR           jlive-demo.jar (default: ../../jlive-demo/target/jlive-demo.jar from this jar)
        --source FILE        the demo's Pricing.java, with the bug (default: ../../jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java)
        --repetitions N      measured fix/revert cycles per case, after one warm-up cycle (default 20)
        --poll-pause-us U    pause between two polls of the demo, microseconds (default 1000)""";
  private static final Pattern DEMO_READY =
      Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final Pattern FLOOR_READY =
      Pattern.compile(Pattern.quote(FloorAgent.READY) + "(\\d+)");
  private static final Duration GIVE_UP = Duration.ofSeconds(60);
  private static final int WARM_REQUESTS = 3_000;
  private static final int ROUND_TRIPS = 200;

  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "jlive-bench-patch-sender");
            thread.setDaemon(true);
            return thread;
          });
  private final long pollPauseNanos;

  private PatchTime(long pollPauseNanos) {
    this.pollPauseNanos = pollPauseNanos;
  }

  /** One demo JVM as the cases see it: its shop, a bulk cart in it, and the agents in it. */
  record Target(
      String name, DemoClient shop, String cart, AgentEndpoint jlive, FloorClient floor) {}

  /** One timed change: when the new code was first seen, and when the sender got its answer. */
  record Sample(double visibleMillis, double answeredMillis, int polls, Object answer) {}

  /** A way to change the code: apply the fix (returns what revert needs), take it back. */
  interface Mode {
    Object apply() throws Exception;

    Object revert(Object applied) throws Exception;
  }

  /** A case: its name, where it runs, how, and what it measured. */
  static final class Case {
    final String name;
    final Target target;
    final Mode mode;
    final List<Sample> fixes = new ArrayList<>();
    final List<Sample> reverts = new ArrayList<>();

    /** Polls the shop failed (5xx) while this case changed the code, warm-up included. */
    final List<String> failedPolls = new ArrayList<>();

    Sample firstFix;
    Sample firstRevert;

    Case(String name, Target target, Mode mode) {
      this.name = name;
      this.target = target;
      this.mode = mode;
    }
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options;
    Path agent;
    Path demo;
    Path source;
    try {
      options =
          DriverOptions.parse(
              args, Set.of("agent", "demo", "source", "repetitions", "poll-pause-us"), USAGE);
      agent = options.jar("agent", "jlive-agent", "jlive-agent.jar");
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
      source = options.file("source", PricingFix.SOURCE_PATH);
    } catch (IllegalArgumentException e) {
      System.err.println("PatchTime: " + e.getMessage());
      System.exit(2);
      return;
    }
    int repetitions = options.integer("repetitions", 20);
    long pollPauseNanos = TimeUnit.MICROSECONDS.toNanos(options.integer("poll-pause-us", 1000));
    Path work = Files.createTempDirectory("jlive-bench-patch");
    Path runtimeDir = Files.createDirectories(work.resolve("runtime"));
    LoadAverage load = new LoadAverage();
    System.out.printf(
        Locale.ROOT,
        "patch time: %s, %d repetitions per case after 1 warm-up, poll pause %d µs; load average %.2f; logs: %s%n",
        PricingFix.METHOD,
        repetitions,
        pollPauseNanos / 1000,
        load.sample(),
        work);

    PricingFix fix = PricingFix.prepare(source, demo, work);
    System.out.printf(
        Locale.ROOT,
        "fixed Pricing: source %d chars, class file %d bytes (javac in this JVM); original class file %d bytes%n",
        fix.fixedSource().length(),
        fix.fixedClass().length,
        fix.originalClass().length);
    Path floorJar = FloorClient.writeJar(work.resolve("jlive-bench-floor-agent.jar"));

    List<String> withJlive =
        List.of(
            "-javaagent:" + agent + "=quiet",
            "-Djlive.runtimeDir=" + runtimeDir,
            "-javaagent:" + floorJar,
            "-jar",
            demo.toString(),
            "--port",
            "0");
    List<String> withoutJlive =
        List.of("-javaagent:" + floorJar, "-jar", demo.toString(), "--port", "0");
    PatchTime run = new PatchTime(pollPauseNanos);
    try (ForkedJvm jliveJvm =
            ForkedJvm.start(
                "jlive-demo (jlive + floor agent)", withJlive, work.resolve("demo-jlive.stderr"));
        ForkedJvm bareJvm =
            ForkedJvm.start(
                "jlive-demo (floor agent only)", withoutJlive, work.resolve("demo-bare.stderr"))) {
      Target jlive = run.target("demo with jlive", jliveJvm, runtimeDir, true);
      Target bare = run.target("demo without jlive", bareJvm, runtimeDir, false);
      for (Target target : List.of(jlive, bare)) {
        for (int i = 0; i < WARM_REQUESTS; i++) {
          run.expect(target, DemoClient.BUGGY_TOTAL);
        }
        Stats poll = run.roundTrips(target);
        System.out.printf(
            Locale.ROOT,
            "%s: poll round trip (GET /carts/{id}) median %.2f ms, max %.2f ms over %d; JVM pid %d; %d classes loaded%n",
            target.name(),
            poll.median(),
            poll.max(),
            poll.count(),
            target == jlive ? jliveJvm.pid() : bareJvm.pid(),
            target.floor().loadedClasses());
      }

      List<Case> cases =
          List.of(
              new Case(
                  "jlive, source, quiescent", jlive, run.jliveMode(jlive, fix, true, "quiescent")),
              new Case(
                  "jlive, class file, quiescent",
                  jlive,
                  run.jliveMode(jlive, fix, false, "quiescent")),
              new Case(
                  "jlive, source, immediate", jlive, run.jliveMode(jlive, fix, true, "immediate")),
              new Case(
                  "jlive, class file, immediate",
                  jlive,
                  run.jliveMode(jlive, fix, false, "immediate")),
              new Case("floor: bare redefineClasses, same JVM", jlive, floorMode(jlive, fix)),
              new Case(
                  "floor: bare redefineClasses, JVM without jlive", bare, floorMode(bare, fix)));

      Map<String, PatchRequest> dryBodies = new TreeMap<>();
      dryBodies.put(
          "jlive, source, dryRun (compile in the target, compare)",
          fix.patchRequest(true, "quiescent", true));
      dryBodies.put(
          "jlive, class file, dryRun (read, compare)", fix.patchRequest(false, "quiescent", true));
      Map<String, List<Double>> dryTimes = new TreeMap<>();
      Map<String, Double> dryFirst = new TreeMap<>();
      dryBodies.keySet().forEach(name -> dryTimes.put(name, new ArrayList<>()));
      for (int rep = 0; rep <= repetitions; rep++) {
        for (Map.Entry<String, PatchRequest> dry : dryBodies.entrySet()) {
          double millis = dryRun(jlive, dry.getValue());
          if (rep > 0) {
            dryTimes.get(dry.getKey()).add(millis);
          } else {
            // The very first compile in the target JVM happens here, not in the first patch.
            dryFirst.put(dry.getKey(), millis);
          }
        }
        for (int k = 0; k < cases.size(); k++) {
          Case c = cases.get((k + rep) % cases.size());
          Sample fixed =
              run.measure(c.target, c.mode::apply, DemoClient.FIXED_TOTAL, c.failedPolls);
          Sample reverted =
              run.measure(
                  c.target,
                  () -> c.mode.revert(fixed.answer()),
                  DemoClient.BUGGY_TOTAL,
                  c.failedPolls);
          if (rep == 0) {
            c.firstFix = fixed;
            c.firstRevert = reverted;
          } else {
            c.fixes.add(fixed);
            c.reverts.add(reverted);
          }
        }
        System.out.printf(
            Locale.ROOT,
            "repetition %d/%d done, load average %.2f, classes loaded: %d with jlive, %d without%n",
            rep,
            repetitions,
            load.sample(),
            jlive.floor().loadedClasses(),
            bare.floor().loadedClasses());
      }

      Map<String, Stats> dryRuns = new TreeMap<>();
      dryTimes.forEach((name, times) -> dryRuns.put(name, Stats.of(times)));
      run.expect(jlive, DemoClient.BUGGY_TOTAL);

      PatchList left = jlive.jlive().listPatches();
      print(cases, dryRuns, dryFirst, repetitions);
      System.out.println();
      System.out.println("load average during the run (1 min): " + load.range());
      System.out.println(
          "patches active at the end (should be none): "
              + left.patches().stream().map(PatchDetail::id).toList());
      System.out.printf(
          Locale.ROOT,
          "classes loaded at the end: %s %d, %s %d%n",
          jlive.name(),
          jlive.floor().loadedClasses(),
          bare.name(),
          bare.floor().loadedClasses());
    } finally {
      run.sender.shutdownNow();
    }
  }

  private Target target(String name, ForkedJvm jvm, Path runtimeDir, boolean hasJlive)
      throws IOException, InterruptedException {
    // The floor agent prints its port in premain, before the demo's readiness line.
    int floorPort = Integer.parseInt(jvm.awaitLine(FLOOR_READY, Duration.ofSeconds(60)).group(1));
    Matcher ready = jvm.awaitLine(DEMO_READY, Duration.ofSeconds(60));
    DemoClient shop = new DemoClient(Integer.parseInt(ready.group(1)));
    AgentEndpoint endpoint =
        hasJlive ? AgentEndpoint.await(runtimeDir, jvm.pid(), Duration.ofSeconds(30)) : null;
    String cart = shop.bulkCart();
    return new Target(name, shop, cart, endpoint, FloorClient.connect(floorPort));
  }

  private Mode jliveMode(Target target, PricingFix fix, boolean fromSource, String safepoint) {
    PatchRequest body = fix.patchRequest(fromSource, safepoint, false);
    return new Mode() {
      @Override
      public Object apply() throws IOException {
        return target.jlive().applyPatch(body);
      }

      @Override
      public Object revert(Object applied) throws IOException {
        return target.jlive().revertPatch(((PatchResult) applied).id());
      }
    };
  }

  private static Mode floorMode(Target target, PricingFix fix) {
    return new Mode() {
      @Override
      public Object apply() throws IOException {
        return target.floor().redefine(PricingFix.CLASS_NAME, fix.fixedClass());
      }

      @Override
      public Object revert(Object applied) throws IOException {
        return target.floor().redefine(PricingFix.CLASS_NAME, fix.originalClass());
      }
    };
  }

  /**
   * Sends the change from the sender thread and polls the shop from this one until an answer shows
   * {@code expected}: that answer's arrival is when the new code ran.
   */
  private Sample measure(
      Target target, Callable<Object> change, long expected, List<String> failedPolls)
      throws Exception {
    long start = System.nanoTime();
    Object[] answer = new Object[1];
    Future<long[]> done =
        sender.submit(
            () -> {
              answer[0] = change.call();
              return new long[] {System.nanoTime()};
            });
    int polls = 0;
    long visibleAt;
    while (true) {
      long total;
      try {
        total = target.shop().total(target.cart());
      } catch (DemoClient.ServerError e) {
        // A request of the application failed while the code changed: counted and reported, and
        // the poll goes on (the next request tells which code runs).
        failedPolls.add(e.getMessage());
        total = -1;
      }
      long now = System.nanoTime();
      polls++;
      if (total == -1) {
        if (now - start > GIVE_UP.toNanos()) {
          throw new IOException(
              target.name()
                  + ": the shop kept failing for "
                  + GIVE_UP.toSeconds()
                  + " s: "
                  + failedPolls);
        }
        LockSupport.parkNanos(pollPauseNanos);
        continue;
      }
      if (total == expected) {
        visibleAt = now;
        break;
      }
      if (total != DemoClient.BUGGY_TOTAL && total != DemoClient.FIXED_TOTAL) {
        throw new IOException(
            target.name()
                + ": the cart's total is "
                + total
                + ", neither the buggy "
                + DemoClient.BUGGY_TOTAL
                + " nor the fixed "
                + DemoClient.FIXED_TOTAL);
      }
      if (done.isDone()) {
        rethrow(done);
      }
      if (now - start > GIVE_UP.toNanos()) {
        throw new IOException(
            target.name()
                + ": the total did not become "
                + expected
                + " within "
                + GIVE_UP.toSeconds()
                + " s");
      }
      LockSupport.parkNanos(pollPauseNanos);
    }
    long answeredAt;
    try {
      answeredAt = done.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS)[0];
    } catch (ExecutionException e) {
      throw new IOException(
          target.name() + ": the change failed after its code was seen running: " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(target.name() + ": the change never answered", e);
    }
    // The sender's writes are visible here: Future.get happens-after the task.
    return new Sample((visibleAt - start) / 1e6, (answeredAt - start) / 1e6, polls, answer[0]);
  }

  private static void rethrow(Future<long[]> done) throws IOException, InterruptedException {
    try {
      done.get();
    } catch (ExecutionException e) {
      throw new IOException("the change failed: " + e.getCause(), e.getCause());
    }
  }

  private void expect(Target target, long total) throws IOException {
    long seen = target.shop().total(target.cart());
    if (seen != total) {
      throw new IOException(target.name() + ": expected the total " + total + ", saw " + seen);
    }
  }

  private Stats roundTrips(Target target) throws IOException {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < ROUND_TRIPS; i++) {
      long start = System.nanoTime();
      target.shop().total(target.cart());
      times.add((System.nanoTime() - start) / 1e6);
    }
    return Stats.of(times);
  }

  /** The round trip of one dry run: compile or read, compare, answer; nothing changes. */
  private static double dryRun(Target target, PatchRequest body) throws IOException {
    long start = System.nanoTime();
    PatchResult answer = target.jlive().applyPatch(body);
    double millis = (System.nanoTime() - start) / 1e6;
    if (!answer.dryRun()) {
      throw new IOException("a dry run answered as if it changed something: " + answer.toJson());
    }
    return millis;
  }

  // ---- the report ----

  private static void print(
      List<Case> cases, Map<String, Stats> dryRuns, Map<String, Double> dryFirst, int repetitions) {
    Case floor =
        cases.stream()
            .filter(c -> c.name.startsWith("floor") && c.name.endsWith("same JVM"))
            .findFirst()
            .orElseThrow();
    double floorFix = visible(floor.fixes).median();
    double floorRevert = visible(floor.reverts).median();
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Fix (to the first answer with %d), %d repetitions; ratio = median / median of the same-JVM floor%n",
        DemoClient.FIXED_TOTAL,
        repetitions);
    System.out.println(
        "| case | visible median ms | visible max ms | ratio to floor | answered median ms | answered max ms | polls median | warm-up visible ms | failed polls |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Case c : cases) {
      Stats visible = visible(c.fixes);
      Stats answered = answered(c.fixes);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %d |%n",
          c.name,
          visible.median(),
          visible.max(),
          visible.median() / floorFix,
          answered.median(),
          answered.max(),
          polls(c.fixes).median(),
          c.firstFix.visibleMillis(),
          c.failedPolls.size());
    }
    System.out.println(
        "(failed polls: requests of the shop answered 5xx while the case fixed or reverted, all repetitions)");
    System.out.println();
    System.out.printf(
        Locale.ROOT, "Revert (to the first answer with %d again)%n", DemoClient.BUGGY_TOTAL);
    System.out.println(
        "| case | visible median ms | visible max ms | ratio to floor | answered median ms | answered max ms | warm-up visible ms |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Case c : cases) {
      Stats visible = visible(c.reverts);
      Stats answered = answered(c.reverts);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
          c.name,
          visible.median(),
          visible.max(),
          visible.median() / floorRevert,
          answered.median(),
          answered.max(),
          c.firstRevert.visibleMillis());
    }
    System.out.println();
    System.out.println(
        "What the agent reported at a quiescent safe point (the measured repetitions; reverts only where the agent reverts"
            + " at a safe point)");
    System.out.println(
        "| case | attempts max | gateClosedMaxMillis median | gateClosedMaxMillis max |");
    System.out.println("| --- | ---: | ---: | ---: |");
    for (Case c : cases) {
      if (c.name.endsWith("quiescent")) {
        printGate(c.name + ", fix", c.fixes);
        printGate(c.name + ", revert", c.reverts);
      }
    }
    System.out.println();
    System.out.println(
        "Time inside redefineClasses, as the floor agent measured it (fix / revert)");
    System.out.println("| case | fix median ms | fix max ms | revert median ms | revert max ms |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (Case c : cases) {
      if (c.name.startsWith("floor")) {
        Stats fix = inside(c.fixes);
        Stats revert = inside(c.reverts);
        System.out.printf(
            Locale.ROOT,
            "| %s | %.2f | %.2f | %.2f | %.2f |%n",
            c.name,
            fix.median(),
            fix.max(),
            revert.median(),
            revert.max());
      }
    }
    System.out.println();
    System.out.println(
        "Dry runs (POST /v1/patches with dryRun: the answer's round trip; nothing changes)");
    System.out.println("| case | median ms | max ms | warm-up ms |");
    System.out.println("| --- | ---: | ---: | ---: |");
    dryRuns.forEach(
        (name, stats) ->
            System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.1f | %.1f |%n",
                name,
                stats.median(),
                stats.max(),
                dryFirst.get(name)));
    System.out.println(
        "(one of each at the start of every repetition; the warm-up repetition's, the JVM's first, apart: "
            + "so the first compile in the target is the source dry run's warm-up, not the first patch's)");
    System.out.println();
    for (Case c : cases) {
      System.out.printf(
          Locale.ROOT,
          "%-48s fix visible ms %s%n%-48s revert visible ms %s%n",
          c.name,
          format(c.fixes),
          "",
          format(c.reverts));
      for (String failure : c.failedPolls) {
        System.out.printf(Locale.ROOT, "%-48s failed poll: %s%n", "", failure);
      }
    }
  }

  /** Attempts and gate time from the answers that report them. */
  private static void printGate(String name, List<Sample> samples) {
    List<Double> attempts = new ArrayList<>();
    List<Double> closed = new ArrayList<>();
    for (Sample s : samples) {
      SafepointReport swap =
          s.answer() instanceof PatchResult applied
              ? applied.safepoint()
              : s.answer() instanceof RevertResult reverted ? reverted.safepoint() : null;
      if (swap != null && swap.mode() == SafepointMode.QUIESCENT) {
        attempts.add((double) swap.attempts());
        closed.add(swap.gateClosedMaxMillis());
      }
    }
    if (!closed.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.2f | %.2f |%n",
          name,
          Stats.of(attempts).max(),
          Stats.of(closed).median(),
          Stats.of(closed).max());
    }
  }

  private static Stats visible(List<Sample> samples) {
    return Stats.of(samples.stream().map(Sample::visibleMillis).toList());
  }

  private static Stats answered(List<Sample> samples) {
    return Stats.of(samples.stream().map(Sample::answeredMillis).toList());
  }

  private static Stats polls(List<Sample> samples) {
    return Stats.of(samples.stream().map(s -> (double) s.polls()).toList());
  }

  private static Stats inside(List<Sample> samples) {
    return Stats.of(samples.stream().map(s -> ((Long) s.answer()) / 1e6).toList());
  }

  private static String format(List<Sample> samples) {
    StringBuilder out = new StringBuilder();
    for (Sample s : samples) {
      out.append(String.format(Locale.ROOT, " %.1f", s.visibleMillis()));
    }
    return out.toString().trim();
  }
}

package dev.jlive.bench;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.bench.endpoint.ClientWarmUp;
import dev.jlive.bench.floor.FloorAgent;
import dev.jlive.bench.floor.FloorClient;
import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.patch.PatchDetail;
import dev.jlive.protocol.patch.PatchPhase;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an engineer waits for on a busy service: a command as a fresh {@code jlive} process and in
 * {@code jlive shell}, attach (command to endpoint ready), the first and later patches from source
 * and a class-file patch at a quiescent safe point beside a bare {@code redefineClasses} of the
 * same bytes in the same JVM (the floor agent of {@link PatchTime}), each patch with the phases the
 * agent reports.
 *
 * <p>Each round starts a fresh demo JVM without jlive, keeps it busy with {@code --load-threads}
 * clients polling a cart as fast as it answers, attaches with the {@code jlive} command given,
 * waits for the compiler warm-up to be over (at most {@code --warm-wait} seconds; an agent without
 * one, or with it switched off, just waits that long, so the first patch comes as long after the
 * attach), then times everything with {@code --runs} repetitions. Patches are timed from the
 * request to the answer: at a quiescent safe point the answer comes after the swap, so the new code
 * runs by then. In the shell, a command's time is (a piped session of runs+1 commands - a session
 * of 1) / runs, so that the shell's own start-up cancels out, as in {@code
 * scripts/shell-latency.sh}.
 */
public final class CommandLatency {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.CommandLatency [options]
        --jlive FILE         the jlive command (default: ../../bin/jlive from this jar); it attaches its own agent
        --demo JAR           jlive-demo.jar (default: ../../jlive-demo/target/jlive-demo.jar from this jar)
        --source FILE        the demo's Pricing.java, with the bug (default: ../../jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java)
        --rounds N           fresh demo JVMs, each attached once (default 3)
        --runs N             repetitions of each command per round (default 5)
        --load-threads N     clients keeping the demo busy (default 2)
        --warm-wait S        seconds to wait after the attach for the compiler warm-up (default 20)
        --agent-options TEXT options of the attach, e.g. warmCompiler=false
        --demo-jvm-args "A B" extra JVM options for the demo JVMs (e.g. a flight recording)
        --only class-file    only the class-file patches and the bare redefinitions beside them;
                             even rounds make a bare redefinition before the first patch""";
  private static final Pattern DEMO_READY =
      Pattern.compile("jlive-demo ready port=(\\d+) pid=(\\d+)");
  private static final Pattern FLOOR_READY =
      Pattern.compile(Pattern.quote(FloorAgent.READY) + "(\\d+)");

  private final Path jlive;
  private final String agentOptions;
  private final List<String> demoJvmArgs;
  private final int runs;
  private final Path work;
  private final String originalSource;
  private final boolean classFileOnly;
  private final Map<String, List<Double>> samples = new LinkedHashMap<>();

  /** Per sample of a patch row, the sum of the phases the agent reported (NaN for the others). */
  private final Map<String, List<Double>> phaseSums = new LinkedHashMap<>();

  private final Map<String, Map<String, List<Double>>> phases = new LinkedHashMap<>();

  private CommandLatency(
      Path jlive,
      String agentOptions,
      List<String> demoJvmArgs,
      int runs,
      Path work,
      String originalSource,
      boolean classFileOnly) {
    this.jlive = jlive;
    this.classFileOnly = classFileOnly;
    this.originalSource = originalSource;
    this.agentOptions = agentOptions;
    this.demoJvmArgs = demoJvmArgs;
    this.runs = runs;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options;
    Path demo;
    Path source;
    Path jlive;
    try {
      options =
          DriverOptions.parse(
              args,
              Set.of(
                  "jlive",
                  "demo",
                  "source",
                  "rounds",
                  "runs",
                  "load-threads",
                  "warm-wait",
                  "agent-options",
                  "demo-jvm-args",
                  "only"),
              USAGE);
      demo = options.jar("demo", "jlive-demo", "jlive-demo.jar");
      source = options.file("source", PricingFix.SOURCE_PATH);
      jlive = options.file("jlive", "bin/jlive");
    } catch (IllegalArgumentException e) {
      System.err.println("CommandLatency: " + e.getMessage());
      System.exit(2);
      return;
    }
    String only = options.string("only", "");
    if (!only.isEmpty() && !only.equals("class-file")) {
      System.err.println("CommandLatency: --only takes class-file, not " + only);
      System.exit(2);
      return;
    }
    int rounds = options.integer("rounds", 3);
    int runs = options.integer("runs", 5);
    int loadThreads = options.integer("load-threads", 2);
    Duration warmWait = Duration.ofSeconds(options.integer("warm-wait", 20));
    Path work = Files.createTempDirectory("jlive-bench-latency");
    LoadAverage load = new LoadAverage();
    System.out.printf(
        Locale.ROOT,
        "command latency: %s, %d rounds x %d runs, %d load threads, agent options '%s'; load average %.2f; logs: %s%n",
        jlive,
        rounds,
        runs,
        loadThreads,
        options.string("agent-options", ""),
        load.sample(),
        work);
    PricingFix fix = PricingFix.prepare(source, demo, work);
    Path floorJar = FloorClient.writeJar(work.resolve("jlive-bench-floor-agent.jar"));
    CommandLatency bench =
        new CommandLatency(
            jlive,
            options.string("agent-options", ""),
            demoJvmArgs(options.string("demo-jvm-args", "")),
            runs,
            work,
            Files.readString(source),
            !only.isEmpty());
    for (int round = 1; round <= rounds; round++) {
      bench.round(round, demo, floorJar, fix, loadThreads, warmWait);
      System.out.printf(
          Locale.ROOT, "round %d/%d done, load average %.2f%n", round, rounds, load.sample());
    }
    bench.report();
  }

  private static List<String> demoJvmArgs(String text) {
    return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
  }

  private void round(
      int round, Path demo, Path floorJar, PricingFix fix, int loadThreads, Duration warmWait)
      throws Exception {
    List<String> demoArgs = new ArrayList<>(demoJvmArgs);
    demoArgs.addAll(List.of("-javaagent:" + floorJar, "-jar", demo.toString(), "--port", "0"));
    AtomicBoolean loading = new AtomicBoolean(true);
    List<Thread> clients = new ArrayList<>();
    try (ForkedJvm jvm =
        ForkedJvm.start("jlive-demo", demoArgs, work.resolve("demo-" + round + ".stderr"))) {
      int floorPort = Integer.parseInt(jvm.awaitLine(FLOOR_READY, Duration.ofSeconds(60)).group(1));
      Matcher ready = jvm.awaitLine(DEMO_READY, Duration.ofSeconds(60));
      int port = Integer.parseInt(ready.group(1));
      String pid = Long.toString(jvm.pid());
      for (int i = 0; i < loadThreads; i++) {
        Thread client = new Thread(() -> poll(port, loading), "jlive-bench-load-" + i);
        client.setDaemon(true);
        client.start();
        clients.add(client);
      }
      // Let the load settle: the JIT compiles the demo's hot paths first.
      Thread.sleep(2000);
      List<String> attach = new ArrayList<>(List.of("attach", pid));
      if (!agentOptions.isEmpty()) {
        attach.addAll(List.of("--agent-options", agentOptions));
      }
      add("attach (command to endpoint ready)", command(attach));
      AgentEndpoint endpoint =
          AgentEndpoint.await(RuntimeDirectory.resolve(), jvm.pid(), Duration.ofSeconds(30));
      awaitWarmUp(jvm.pid(), warmWait);
      // The bench's own HTTP client runs for the first time here, not in the first patch's time.
      long listing = System.nanoTime();
      endpoint.listPatches();
      add("first request of the bench (GET /v1/patches)", (System.nanoTime() - listing) / 1e6);
      if (round == 1) {
        // The same for its first POST with a body and its first patch answer, without the agent.
        long posting = System.nanoTime();
        ClientWarmUp.run(fix.patchRequest(false, "quiescent", false));
        add("first patch request of the bench, to a stand-in", (System.nanoTime() - posting) / 1e6);
      }

      if (!classFileOnly) {
        PatchRequest fromSource = fix.patchRequest(true, "quiescent", false);
        patch(List.of("first source patch"), endpoint, fromSource);
        for (int i = 0; i < runs; i++) {
          patch(List.of("later source patch"), endpoint, fromSource);
        }
      }
      PatchRequest fromClass = fix.patchRequest(false, "quiescent", false);
      // A JVM's first redefinition costs more whoever makes it (the JVM's own first time). With
      // only class-file patches, even rounds make a bare redefinition first, so that the first
      // patch of a JVM can be set beside the first bare redefinition of a JVM, each the JVM's
      // first, and not only beside later bare ones that the patch before them warmed up.
      boolean bareFirst = classFileOnly && round % 2 == 0;
      try (FloorClient floor = FloorClient.connect(floorPort)) {
        for (int i = 0; i < runs; i++) {
          boolean first = i == 0;
          if (bareFirst) {
            bare(
                floor,
                fix,
                first ? "first bare redefineClasses of the JVM, its first redefinition" : null);
          }
          List<String> rows = new ArrayList<>(List.of("class-file patch, quiescent"));
          if (first && !classFileOnly) {
            rows.add("the first class-file patch of the JVM (in the row above too)");
          } else if (first) {
            rows.add(
                bareFirst
                    ? "first class-file patch of the JVM, after one bare redefinition"
                    : "first class-file patch of the JVM, its first redefinition");
          }
          patch(rows, endpoint, fromClass);
          if (!bareFirst) {
            bare(
                floor,
                fix,
                first && classFileOnly
                    ? "first bare redefineClasses of the JVM, after one class-file patch"
                    : null);
          }
        }
      }
      if (classFileOnly) {
        stopLoad(loading, clients);
        return;
      }
      for (int i = 0; i < runs; i++) {
        add("`changes`, fresh jlive process", command(List.of("changes", pid)));
      }
      shell("`changes` in jlive shell", pid, List.of("changes"));
      Path fixed = writeSource("fixed", fix.fileName(), fix.fixedSource());
      Path original = writeSource("original", fix.fileName(), originalSource);
      shell("source patch in jlive shell", pid, List.of("patch " + fixed, "patch " + original));
      revertAll(endpoint);
      stopLoad(loading, clients);
    } finally {
      // Stopped before the demo JVM ends, so that its clients do not report a refused connection.
      stopLoad(loading, clients);
    }
  }

  private static void stopLoad(AtomicBoolean loading, List<Thread> clients)
      throws InterruptedException {
    loading.set(false);
    for (Thread client : clients) {
      client.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  /** Keeps the demo busy: totals of a bulk cart, one after another. */
  private static void poll(int port, AtomicBoolean loading) {
    try {
      DemoClient shop = new DemoClient(port);
      String cart = shop.bulkCart();
      while (loading.get()) {
        shop.total(cart);
      }
    } catch (IOException e) {
      if (loading.get()) {
        System.err.println("load client stopped: " + e);
      }
    }
  }

  private void awaitWarmUp(long pid, Duration limit) throws IOException, InterruptedException {
    Path log = RuntimeDirectory.resolve().resolve(pid + ".log");
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (System.nanoTime() < deadline) {
      // The warm-up's last line: the weaving after the compile (an older agent's name for it, or
      // this one's). Waiting for the compile alone let the first patch race the weaving warm-up.
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains("gate weaving warmed up")
          || text.contains("class-file patch path warmed up")
          || text.contains("warm-up failed")) {
        add(
            "attach to warm-up done, compile and weaving (after the attach command)",
            (System.nanoTime() - start) / 1e6);
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Applies the patch and reverts it; its wall time and phases go to the rows named. */
  private void patch(List<String> rows, AgentEndpoint endpoint, PatchRequest request)
      throws IOException {
    long start = System.nanoTime();
    PatchResult result = endpoint.applyPatch(request);
    double took = (System.nanoTime() - start) / 1e6;
    double inAgent = result.phases().stream().mapToDouble(PatchPhase::millis).sum();
    for (String what : rows) {
      add(what, took, inAgent);
      Map<String, List<Double>> byPhase = phases.computeIfAbsent(what, k -> new LinkedHashMap<>());
      for (PatchPhase phase : result.phases()) {
        byPhase.computeIfAbsent(phase.name(), k -> new ArrayList<>()).add(phase.millis());
      }
    }
    endpoint.revertPatch(result.id());
  }

  /**
   * Redefines the class with the fix and back by the floor agent; the first is timed, into the bare
   * rows and into {@code firstRow} too unless it is null.
   */
  private void bare(FloorClient floor, PricingFix fix, String firstRow) throws IOException {
    long start = System.nanoTime();
    long inside = floor.redefine(PricingFix.CLASS_NAME, fix.fixedClass());
    double wall = (System.nanoTime() - start) / 1e6;
    add("bare redefineClasses, client wall", wall);
    add("bare redefineClasses, in the JVM", inside / 1e6);
    if (firstRow != null) {
      add(firstRow + ", client wall", wall);
      add(firstRow + ", in the JVM", inside / 1e6);
    }
    floor.redefine(PricingFix.CLASS_NAME, fix.originalClass());
  }

  /** Runs the jlive command to its end; its wall time in milliseconds. */
  private double command(List<String> arguments) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>();
    line.add(jlive.toString());
    line.addAll(arguments);
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(line)
            .redirectOutput(work.resolve("command.out").toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("command.err").toFile()))
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", line) + " failed; see " + work.resolve("command.err"));
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /**
   * The time of one of {@code commands} in the shell: (a session of runs+1 rounds of them - a
   * session of one round) / (runs * commands).
   */
  private void shell(String what, String pid, List<String> commands)
      throws IOException, InterruptedException {
    Path one = work.resolve("shell-one.txt");
    Path many = work.resolve("shell-many.txt");
    Files.write(one, commands);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i <= runs; i++) {
      lines.addAll(commands);
    }
    Files.write(many, lines);
    double single = shellSession(pid, one);
    double all = shellSession(pid, many);
    add(what, (all - single) / (runs * commands.size()));
  }

  private double shellSession(String pid, Path input) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(
                jlive.toString(),
                "shell",
                pid,
                "--history",
                work.resolve("shell-history").toString())
            .redirectInput(input.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("shell.out").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("shell.err").toFile()))
            .start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("the shell session did not end; see " + work.resolve("shell.err"));
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /** Takes back every patch the shell sessions made, newest first. */
  private static void revertAll(AgentEndpoint endpoint) throws IOException {
    List<PatchDetail> active = endpoint.listPatches().patches();
    for (int i = active.size() - 1; i >= 0; i--) {
      endpoint.revertPatch(active.get(i).id());
    }
  }

  private Path writeSource(String folder, String fileName, String code) throws IOException {
    Path file = Files.createDirectories(work.resolve(folder)).resolve(fileName);
    return Files.writeString(file, code);
  }

  private void add(String what, double millis) {
    add(what, millis, Double.NaN);
  }

  /** {@code phasesMillis}: for a patch, the sum of the phases the agent reported. */
  private void add(String what, double millis, double phasesMillis) {
    samples.computeIfAbsent(what, k -> new ArrayList<>()).add(millis);
    phaseSums.computeIfAbsent(what, k -> new ArrayList<>()).add(phasesMillis);
  }

  private void report() throws IOException {
    // Every sample in the order taken, for what a median hides (a path that warms up over runs).
    // The phases' sum, for a patch: the rest of its wall time was spent outside the agent's phases.
    List<String> lines = new ArrayList<>(List.of("what\trun\tms\tphases ms"));
    samples.forEach(
        (what, values) -> {
          for (int i = 0; i < values.size(); i++) {
            lines.add(
                String.format(
                    Locale.ROOT,
                    "%s\t%d\t%.2f\t%.2f",
                    what,
                    i + 1,
                    values.get(i),
                    phaseSums.get(what).get(i)));
          }
        });
    Path all = Files.write(work.resolve("samples.tsv"), lines);
    System.out.println();
    System.out.println("every sample in order: " + all);
    System.out.println("| what | n | median ms | min ms | max ms | phases, medians (ms) |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | --- |");
    samples.forEach(
        (what, values) -> {
          Stats stats = Stats.of(values);
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %.1f | %.1f | %.1f | %s |%n",
              what,
              stats.count(),
              stats.median(),
              stats.min(),
              stats.max(),
              phaseMedians(what));
        });
  }

  private String phaseMedians(String what) {
    Map<String, List<Double>> byPhase = phases.get(what);
    if (byPhase == null || byPhase.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    byPhase.forEach(
        (phase, values) ->
            parts.add(String.format(Locale.ROOT, "%s %.1f", phase, Stats.of(values).median())));
    return String.join(", ", parts);
  }
}

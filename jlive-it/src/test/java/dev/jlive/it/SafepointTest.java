package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.api.SafepointCheck;
import dev.jlive.it.apps.GateApp;
import dev.jlive.it.apps.SafepointApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quiescent safe point on a real JVM with threads calling the patched code all the time: no
 * call mixes versions, recursion does not deadlock, a thread that never leaves times the patch out
 * with a report, and a check holds the patch back until it is true.
 *
 * <p>The tests that start their own load, revert what they patched and stop their workers share one
 * target JVM per app and JDK ({@link #shared}); after each, the shared JVM must have no active
 * change left, or it is closed and the test fails. A test keeps a JVM of its own where the JVM's
 * flags or state are what it checks: the first patch id of a JVM, a thread stuck for good, a check
 * that stays true once set, its own class path, virtual threads held inside, a JVM that does not
 * track every virtual thread, and the agent's detach (which leaves no agent to share).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SafepointTest {
  private static final String VERSIONED = "dev.jlive.it.apps.Versioned";
  private static final Path SOURCE = Paths.get("src/test/java/dev/jlive/it/apps/Versioned.java");

  private final Map<String, TargetJvm> sharedJvms = new HashMap<>();
  private TargetJvm usedByThisTest;

  /**
   * The target JVM that tests share for {@code main} on {@code jdk}, started with the agent on its
   * first use.
   */
  private TargetJvm shared(Jdk jdk, Class<?> main) throws Exception {
    String key = main.getName() + " on " + jdk;
    TargetJvm app = sharedJvms.get(key);
    if (app == null) {
      app = TargetJvm.on(jdk).javaagent("").main(main).start();
      sharedJvms.put(key, app);
    }
    usedByThisTest = app;
    return app;
  }

  /**
   * A test that shared a JVM leaves it as it found it: no change active, no worker running. One
   * that did not fails, and its JVM is closed so that the next test starts on a fresh one.
   */
  @AfterEach
  void theSharedJvmIsLeftClean() throws Exception {
    TargetJvm app = usedByThisTest;
    usedByThisTest = null;
    if (app == null) {
      return;
    }
    // A test that failed half-way may have left its workers running: "stop" stops them (a no-op
    // after the test's own) and answers whether any did not end.
    String stopped = app.ask("stop", "stopped");
    CliRun info = jlive("info", Long.toString(app.pid()), "--json");
    long active =
        info.exitCode() == 0
            ? ((Number) ((Map<?, ?>) info.json().get("agent")).get("activeChanges")).longValue()
            : -1;
    if (active != 0 || !stopped.equals("stopped")) {
      // The next test gets a fresh JVM rather than this one's leftovers.
      sharedJvms.values().remove(app);
      app.close();
      assertThat(stopped).isEqualTo("stopped");
      assertThat(active).as("active changes left in the shared JVM: %s", info).isZero();
    }
  }

  @AfterAll
  void stopSharedJvms() throws InterruptedException {
    for (TargetJvm app : sharedJvms.values()) {
      app.close();
    }
  }

  /** Stops the app's workers; a JVM shared by tests must have none left running. */
  private static void stopWorkers(TargetJvm app) throws Exception {
    assertThat(app.ask("stop", "stopped")).isEqualTo("stopped");
  }

  @ParameterizedTest
  @MethodSource("jdksAndSafepoints")
  void underLoadEveryCallRunsOneVersionWhollyBothWays(Jdk jdk, String safepoint) throws Exception {
    TargetJvm app = shared(jdk, SafepointApp.class);
    String pid = Long.toString(app.pid());
    app.ask("calls", "workers started");
    CliRun patch = jlive("patch", pid, version2().toString(), "--safepoint", safepoint);
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(patch.stdout())
        .contains(safepoint.equals("quiescent") ? "quiescent safe point after" : "immediate");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.ask("results", "results").contains("v2v2"));
    // The way back is guarded the same way.
    String id = patch.stdout().split(" ")[1];
    CliRun revert = jlive("revert", pid, id, "--json");
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
    assertThat(revert.json()).containsEntry("safepoint", safepoint);
    assertThat(jlive("diff", pid, id).exitCode()).isEqualTo(8);
    stopWorkers(app);
    String results = app.ask("results", "results");
    assertThat(results).contains("v1v1=").contains("v2v2=");
    if (safepoint.equals("quiescent")) {
      assertThat(results).doesNotContain("v1v2").doesNotContain("v2v1");
    } else {
      // The negative control: calls park between their halves, so an unguarded swap lands inside
      // some.
      assertThat(results).containsAnyOf("v1v2=", "v2v1=");
    }
    assertThat(app.ask("call", "call")).isEqualTo("call v1v1 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"quiescent", "immediate"})
  void aCriticalSectionAcrossTwoMethodsNeverPairsAnOldHalfWithANewOne(String safepoint)
      throws Exception {
    TargetJvm app = shared(Jdk.JAVA_17, SafepointApp.class);
    String pid = Long.toString(app.pid());
    app.ask("vault", "workers started");
    Path vault = Paths.get("src/test/java/dev/jlive/it/apps/Vault.java");
    String code = Files.readString(vault, StandardCharsets.UTF_8);
    Path patched =
        write(
            code.replace("opened = \"v1\";", "opened = \"v2\";")
                .replace("opened + \"v1\"", "opened + \"v2\""),
            "Vault.java");
    // --also only widens a quiescent safe point (immediate refuses it).
    CliRun patch =
        safepoint.equals("quiescent")
            ? jlive(
                "patch",
                pid,
                patched.toString(),
                "--also",
                "dev.jlive.it.apps.Vault#section",
                "--json")
            : jlive("patch", pid, patched.toString(), "--safepoint", "immediate", "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.ask("results", "results").contains("v2v2"));
    if (safepoint.equals("quiescent")) {
      assertThat(patch.stdout())
          .contains("dev.jlive.it.apps.Vault#section")
          .contains("dev.jlive.it.apps.Vault#open");
      // The way back waits for the same set: without section() the lock held across the gate
      // would time the revert out.
      long v1Before = count(app.ask("results", "results"), "v1v1");
      CliRun revert = jlive("revert", pid, (String) patch.json().get("id"), "--json");
      assertThat(revert.exitCode()).as(revert.toString()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(app.ask("results", "results"), "v1v1") > v1Before + 100);
    }
    stopWorkers(app);
    String results = app.ask("results", "results");
    assertThat(results).contains("v1v1=").contains("v2v2=");
    if (safepoint.equals("quiescent")) {
      assertThat(results).doesNotContain("v1v2").doesNotContain("v2v1");
    } else {
      assertThat(results).contains("v1v2=");
      // Taken back (no worker runs now) for the next test in this JVM.
      CliRun revert = jlive("revert", pid, (String) patch.json().get("id"));
      assertThat(revert.exitCode()).as(revert.toString()).isZero();
    }
  }

  @Test
  void recursionThroughAPatchedMethodDoesNotDeadlock() throws Exception {
    TargetJvm app = shared(Jdk.JAVA_17, SafepointApp.class);
    String pid = Long.toString(app.pid());
    app.ask("recursion", "workers started");
    CliRun patch = jlive("patch", pid, version2().toString(), "--timeout", "20s");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.ask("results", "results").contains("countdown=2"));
    stopWorkers(app);
    // Taken back for the next test in this JVM.
    CliRun revert = jlive("revert", pid, patch.stdout().split(" ")[1]);
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
  }

  @Test
  void aThreadThatNeverLeavesTimesThePatchOutAndNothingChanges() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(SafepointApp.class).start()) {
      String pid = Long.toString(app.pid());
      String original = AgentHttp.of(app.pid()).digest(VERSIONED);
      app.ask("stuck", "stuck started");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> jlive("threads", pid, "--grep", "stuck-worker").stdout().contains("forever"));
      CliRun patch =
          jlive("patch", pid, source("spins++;", "spins += 2;").toString(), "--timeout", "1s");
      assertThat(patch.exitCode()).isEqualTo(8);
      assertThat(patch.stderr())
          .contains("no safe point")
          .contains("nothing was changed")
          .contains("\"stuck-worker\"")
          .contains(VERSIONED + ".forever");
      assertThat(AgentHttp.of(app.pid()).digest(VERSIONED)).isEqualTo(original);
      assertThat(app.ask("call", "call")).isEqualTo("call v1v1 1");
      app.ask("unstick", "unstuck");
      // The patch that timed out did not use up an id: the first patch made is x1.
      CliRun made = jlive("patch", pid, version2().toString(), "--json");
      assertThat(made.exitCode()).as(made.toString()).isZero();
      assertThat(made.json()).containsEntry("id", "x1");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--check=Versioned.ready", "--check-class=dev.jlive.it.apps.ReadyCheck"})
  void aCheckHoldsThePatchBackUntilItIsTrue(String checkOption) throws Exception {
    String classPath = Artifacts.classPathWith(SafepointCheck.class);
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("")
            .classPath(classPath)
            .main(SafepointApp.class)
            .start()) {
      String pid = Long.toString(app.pid());
      CompletableFuture<CliRun> patch =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return jlive(
                      "patch", pid, version2().toString(), checkOption, "--timeout", "60s");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  jlive("threads", pid, "--grep", "jlive-endpoint")
                      .stdout()
                      .contains("QuiescentSwap"));
      assertThat(patch).isNotDone();
      assertThat(app.ask("call", "call")).isEqualTo("call v1v1 1");
      app.ask("ready", "ready set");
      CliRun done = patch.get();
      assertThat(done.exitCode()).as(done.toString()).isZero();
      assertThat(app.ask("call", "call")).isEqualTo("call v2v2 2");
    }
  }

  // ---- Gated: null and primitive arguments, calls that park between their halves, virtual threads
  // ----

  private static final String GATED = "dev.jlive.it.apps.Gated";

  /** Every quiescent guarantee below is run with --safepoint immediate too, which must break it. */
  static Stream<Arguments> jdksAndSafepoints() {
    return Stream.of(Jdk.values())
        .flatMap(jdk -> Stream.of(Arguments.of(jdk, "quiescent"), Arguments.of(jdk, "immediate")));
  }

  /**
   * Issue 9: a caller held at the gate was re-invoked with {@code List.of(args)}, so a null
   * argument threw NullPointerException into the application (24 in three cycles with 8 threads).
   */
  @ParameterizedTest
  @MethodSource("jdksAndSafepoints")
  void nullAndPrimitiveArgumentsPassTheGateUnderLoadAndOnlyImmediateMixes(Jdk jdk, String safepoint)
      throws Exception {
    TargetJvm app = shared(jdk, GateApp.class);
    String pid = Long.toString(app.pid());
    // The tally starts empty: an earlier test in this JVM may have mixed versions on purpose.
    app.ask("clear", "cleared");
    app.ask("load 8", "load started");
    Path v2 = gatedVersion2();
    for (int cycle = 1; cycle <= 3; cycle++) {
      long v2Before = count(app.ask("results", "results"), "v2v2");
      CliRun patch =
          jlive(
              "patch", pid, v2.toString(), "--safepoint", safepoint, "--timeout", "20s", "--json");
      assertThat(patch.exitCode()).as("cycle %d: %s", cycle, patch).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(app.ask("results", "results"), "v2v2") > v2Before + 100);
      long v1Before = count(app.ask("results", "results"), "v1v1");
      CliRun revert = jlive("revert", pid, (String) patch.json().get("id"), "--json");
      assertThat(revert.exitCode()).as("cycle %d: %s", cycle, revert).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(app.ask("results", "results"), "v1v1") > v1Before + 100);
    }
    stopWorkers(app);
    String results = app.ask("results", "results");
    assertThat(results).doesNotContain("error:").doesNotContain("wrong:");
    if (safepoint.equals("quiescent")) {
      assertThat(results).doesNotContain("mixed");
    } else {
      // The negative control: the same harness sees versions mixed when nothing guards the swap.
      assertThat(count(results, "mixed")).as(results).isPositive();
    }
  }

  /**
   * Issue 9: frames were found with ThreadMXBean, which does not list virtual threads, so a
   * quiescent patch mixed versions in 200 parked virtual threads, as many as an immediate one.
   */
  @Test
  void virtualThreadsParkedInsideAChangedMethodHoldTheQuiescentPatchBack() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_25).javaagent("").main(GateApp.class).start()) {
      String pid = Long.toString(app.pid());
      Path v2 = gatedVersion2();
      app.ask("hold 200 virtual", "holding 200");
      CliRun timedOut = jlive("patch", pid, v2.toString(), "--timeout", "1s");
      assertThat(timedOut.exitCode()).as(timedOut.toString()).isEqualTo(8);
      assertThat(timedOut.stderr())
          .contains("no safe point")
          .contains("nothing was changed")
          .contains("\"held-")
          .contains("(virtual")
          .contains(GATED + ".hold");

      CompletableFuture<CliRun> patch =
          CompletableFuture.supplyAsync(
              () -> jlive("patch", pid, v2.toString(), "--timeout", "120s", "--json"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  jlive("threads", pid, "--grep", "jlive-endpoint")
                      .stdout()
                      .contains("QuiescentSwap"));
      assertThat(patch).isNotDone();
      app.ask("release", "released");
      CliRun done = patch.get(120, TimeUnit.SECONDS);
      assertThat(done.exitCode()).as(done.toString()).isZero();
      String held = app.ask("results", "results");
      assertThat(count(held, "v1v1")).as(held).isEqualTo(200);
      assertThat(held).doesNotContain("mixed").doesNotContain("error:").doesNotContain("wrong:");

      // The negative control, same harness: without the safe point every held call mixes.
      assertThat(jlive("revert", pid, (String) done.json().get("id")).exitCode()).isZero();
      app.ask("clear", "cleared");
      app.ask("hold 200 virtual", "holding 200");
      CliRun immediate = jlive("patch", pid, v2.toString(), "--safepoint", "immediate");
      assertThat(immediate.exitCode()).as(immediate.toString()).isZero();
      app.ask("release", "released");
      assertThat(count(app.ask("results", "results"), "mixed")).isEqualTo(200);
    }
  }

  /**
   * A JVM whose thread dump can miss virtual threads cannot promise a quiescent swap: refused at
   * once, nothing changed.
   */
  @Test
  void aJvmThatDoesNotTrackEveryVirtualThreadRefusesTheQuiescentPatch() throws Exception {
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_25)
            .jvmArg("-Djdk.trackAllThreads=false")
            .javaagent("")
            .main(GateApp.class)
            .start()) {
      String pid = Long.toString(app.pid());
      app.ask("load 2", "load started");
      String original = AgentHttp.of(app.pid()).digest(GATED);
      CliRun patch = jlive("patch", pid, gatedVersion2().toString(), "--timeout", "30s");
      assertThat(patch.exitCode()).as(patch.toString()).isEqualTo(8);
      assertThat(patch.stderr())
          .contains("cannot all be seen")
          .contains("-Djdk.trackAllThreads=false")
          .contains("nothing was changed");
      assertThat(AgentHttp.of(app.pid()).digest(GATED)).isEqualTo(original);
      assertThat(
              jlive("patch", pid, gatedVersion2().toString(), "--safepoint", "immediate")
                  .exitCode())
          .isZero();
      app.ask("stop", "stopped");
    }
  }

  /**
   * Issue 9: stopping the agent cleared the bridge's dispatcher (with the probes) before the
   * patches were reverted, so the revert's gate counted no one and calls mixed versions.
   */
  @ParameterizedTest
  @MethodSource("jdksAndSafepoints")
  void detachUnderLoadRevertsEveryPatchAtItsSafePointAndLeavesNoClassLoader(
      Jdk jdk, String safepoint) throws Exception {
    try (TargetJvm app =
        TargetJvm.on(jdk).jvmArg("-XX:+EnableDynamicAgentLoading").main(GateApp.class).start()) {
      String pid = Long.toString(app.pid());
      CliRun attach = jlive("attach", pid);
      assertThat(attach.exitCode()).as(attach.toString()).isZero();
      app.ask("load 8", "load started");
      assertThat(jlive("probe", "add", pid, GATED + "#second", "--metrics").exitCode()).isZero();
      assertThat(
              jlive(
                      "probe",
                      "add",
                      pid,
                      GATED + "#call",
                      "--log",
                      "{return}",
                      "--at",
                      "exit",
                      "--sample",
                      "1/100")
                  .exitCode())
          .isZero();
      long v2Before = count(app.ask("results", "results"), "v2v2");
      CliRun patch =
          jlive(
              "patch",
              pid,
              gatedVersion2().toString(),
              "--safepoint",
              safepoint,
              "--timeout",
              "20s");
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(app.ask("results", "results"), "v2v2") > v2Before + 100);

      long v1Before = count(app.ask("results", "results"), "v1v1");
      CliRun detach = jlive("detach", pid);
      assertThat(detach.exitCode()).as(detach.toString()).isZero();
      // The original code runs again once the agent is gone.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(app.ask("results", "results"), "v1v1") > v1Before + 100);
      app.ask("stop", "stopped");
      String results = app.ask("results", "results");
      assertThat(results).doesNotContain("error:").doesNotContain("wrong:");
      if (safepoint.equals("quiescent")) {
        assertThat(results).doesNotContain("mixed");
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    ClassLoaderLeakTest.liveInstances(
                        jdk, pid, "dev.jlive.agent.launcher.CoreClassLoader"),
                n -> n == 0);
        // The agent's log says when a revert at stop had to go ahead without its safe point.
        assertThat(
                Files.readString(
                    Artifacts.runtimeDir().resolve(pid + ".log"), StandardCharsets.UTF_8))
            .contains("agent stopped")
            .doesNotContain("without a safe point");
      } else {
        assertThat(count(results, "mixed")).as(results).isPositive();
      }
    }
  }

  /** Gated.java in its second version: every method changed. */
  static Path gatedVersion2() throws Exception {
    String code =
        Files.readString(
            Paths.get("src/test/java/dev/jlive/it/apps/Gated.java"), StandardCharsets.UTF_8);
    return write(code.replace("\"v1\"", "\"v2\"").replace("\"|\"", "\";\""), "Gated.java");
  }

  /** The tally of one kind in a "results {kind=count, ...}" answer; 0 when absent. */
  static long count(String results, String kind) {
    Matcher tally = Pattern.compile("[{ ]" + Pattern.quote(kind) + "=(\\d+)").matcher(results);
    return tally.find() ? Long.parseLong(tally.group(1)) : 0;
  }

  /**
   * Versioned.java with every version 1 turned into 2, and call() changed too, so all three form
   * the set.
   */
  private static Path version2() throws Exception {
    String code =
        Files.readString(SOURCE, StandardCharsets.UTF_8)
            .replace("return \"v1\";", "return \"v2\";")
            .replace("return 1;", "return 2;")
            .replace("return a + b;", "return a.concat(b);");
    return write(code);
  }

  private static Path source(String from, String to) throws Exception {
    String code = Files.readString(SOURCE, StandardCharsets.UTF_8);
    assertThat(code).contains(from);
    return write(code.replace(from, to));
  }

  private static Path write(String code) throws Exception {
    return write(code, "Versioned.java");
  }

  static Path write(String code, String fileName) throws Exception {
    Path file = Artifacts.work().resolve("safepoint-" + System.nanoTime()).resolve(fileName);
    Files.createDirectories(file.getParent());
    Files.writeString(file, code);
    return file;
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The quiescent safe point on a real JVM with threads calling the patched code all the time:
 * no call mixes versions, recursion does not deadlock, a thread that never leaves times the patch
 * out with a report, and a check holds the patch back until it is true.
 */
class SafepointTest {
  private static final String VERSIONED = "dev.jlive.it.apps.Versioned";
  private static final Path SOURCE = Paths.get("src/test/java/dev/jlive/it/apps/Versioned.java");

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Jdk.class)
  void underLoadEveryCallRunsOneVersionWhollyBothWays(Jdk jdk) throws Exception {
    try (TargetJvm app = TargetJvm.on(jdk).javaagent("").main(SafepointApp.class).start()) {
      String pid = Long.toString(app.pid());
      app.ask("calls", "workers started");
      CliRun patch = jlive("patch", pid, version2().toString());
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      assertThat(patch.stdout()).contains("quiescent safe point after");
      await().atMost(Duration.ofSeconds(30)).until(() -> app.ask("results", "results").contains("v2v2"));
      // The way back is guarded the same way.
      String id = patch.stdout().split(" ")[1];
      CliRun revert = jlive("revert", pid, id, "--json");
      assertThat(revert.exitCode()).as(revert.toString()).isZero();
      assertThat(revert.json()).containsEntry("safepoint", "quiescent");
      assertThat(jlive("diff", pid, id).exitCode()).isEqualTo(8);
      app.ask("stop", "stopped");
      String results = app.ask("results", "results");
      assertThat(results).contains("v1v1=").contains("v2v2=").doesNotContain("v1v2").doesNotContain("v2v1");
      assertThat(app.ask("call", "call")).isEqualTo("call v1v1 1");
    }
  }

  @Test
  void aCriticalSectionAcrossTwoMethodsNeverPairsAnOldHalfWithANewOne() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(SafepointApp.class).start()) {
      String pid = Long.toString(app.pid());
      app.ask("vault", "workers started");
      Path vault = Paths.get("src/test/java/dev/jlive/it/apps/Vault.java");
      String code = Files.readString(vault, StandardCharsets.UTF_8);
      Path patched = write(code.replace("opened = \"v1\";", "opened = \"v2\";").replace("opened + \"v1\"", "opened + \"v2\""),
          "Vault.java");
      CliRun patch = jlive("patch", pid, patched.toString(), "--also", "dev.jlive.it.apps.Vault#section", "--json");
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      assertThat(patch.stdout()).contains("dev.jlive.it.apps.Vault#section").contains("dev.jlive.it.apps.Vault#open");
      await().atMost(Duration.ofSeconds(30)).until(() -> app.ask("results", "results").contains("v2v2"));
      app.ask("stop", "stopped");
      assertThat(app.ask("results", "results")).contains("v1v1=").contains("v2v2=").doesNotContain("v1v2").doesNotContain("v2v1");
    }
  }

  @Test
  void recursionThroughAPatchedMethodDoesNotDeadlock() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(SafepointApp.class).start()) {
      String pid = Long.toString(app.pid());
      app.ask("recursion", "workers started");
      CliRun patch = jlive("patch", pid, version2().toString(), "--timeout", "20s");
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> app.ask("results", "results").contains("countdown=2"));
      app.ask("stop", "stopped");
    }
  }

  @Test
  void aThreadThatNeverLeavesTimesThePatchOutAndNothingChanges() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(SafepointApp.class).start()) {
      String pid = Long.toString(app.pid());
      String original = AgentHttp.of(app.pid()).digest(VERSIONED);
      app.ask("stuck", "stuck started");
      await().atMost(Duration.ofSeconds(30)).until(() -> jlive("threads", pid, "--grep", "stuck-worker").stdout().contains("forever"));
      CliRun patch = jlive("patch", pid, source("spins++;", "spins += 2;").toString(), "--timeout", "1s");
      assertThat(patch.exitCode()).isEqualTo(8);
      assertThat(patch.stderr()).contains("no safe point").contains("nothing was changed")
          .contains("\"stuck-worker\"").contains(VERSIONED + ".forever");
      assertThat(AgentHttp.of(app.pid()).digest(VERSIONED)).isEqualTo(original);
      assertThat(app.ask("call", "call")).isEqualTo("call v1v1 1");
      app.ask("unstick", "unstuck");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"--check=Versioned.ready", "--check-class=dev.jlive.it.apps.ReadyCheck"})
  void aCheckHoldsThePatchBackUntilItIsTrue(String checkOption) throws Exception {
    String classPath = Artifacts.classPathWith(dev.jlive.api.SafepointCheck.class);
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_17).javaagent("").classPath(classPath).main(SafepointApp.class).start()) {
      String pid = Long.toString(app.pid());
      CompletableFuture<CliRun> patch = CompletableFuture.supplyAsync(() -> {
        try {
          return jlive("patch", pid, version2().toString(), checkOption, "--timeout", "60s");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> jlive("threads", pid, "--grep", "jlive-endpoint").stdout()
          .contains("QuiescentSwap"));
      assertThat(patch).isNotDone();
      assertThat(app.ask("call", "call")).isEqualTo("call v1v1 1");
      app.ask("ready", "ready set");
      CliRun done = patch.get();
      assertThat(done.exitCode()).as(done.toString()).isZero();
      assertThat(app.ask("call", "call")).isEqualTo("call v2v2 2");
    }
  }

  /** Versioned.java with every version 1 turned into 2, and call() changed too, so all three form the set. */
  private static Path version2() throws Exception {
    String code = Files.readString(SOURCE, StandardCharsets.UTF_8)
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

  private static Path write(String code, String fileName) throws Exception {
    Path file = Artifacts.work().resolve("safepoint-" + System.nanoTime()).resolve(fileName);
    Files.createDirectories(file.getParent());
    Files.writeString(file, code);
    return file;
  }
}

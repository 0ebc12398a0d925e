package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.GateApp;
import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Five attach/detach cycles, each with probes woven into the application, leave no agent class
 * loader behind. {@code jcmd GC.class_histogram} runs a full collection first, so it counts the
 * loaders that are still reachable.
 */
class ClassLoaderLeakTest {
  private static final String LOADER_CLASS = "dev.jlive.agent.launcher.CoreClassLoader";

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void fiveAttachDetachCyclesLeakNoClassLoader(Jdk jdk) throws Exception {
    try (TargetJvm target =
        TargetJvm.on(jdk).jvmArg("-XX:+EnableDynamicAgentLoading").main(IdleApp.class).start()) {
      String pid = Long.toString(target.pid());
      for (int cycle = 1; cycle <= 5; cycle++) {
        CliRun attach = jlive("attach", pid);
        assertThat(attach.exitCode()).as("attach %d: %s", cycle, attach).isZero();
        assertThat(attach.stdout()).startsWith("attached");
        assertThat(jlive("classes", pid, "dev.jlive.it.apps.*").exitCode()).isZero();
        // Probes woven into the application must not pin the agent either.
        assertThat(
                jlive("probe", "add", pid, "dev.jlive.it.apps.IdleApp#pong", "--metrics")
                    .exitCode())
            .isZero();
        assertThat(
                jlive(
                        "probe",
                        "add",
                        pid,
                        "dev.jlive.it.apps.IdleApp#pong",
                        "--log",
                        "{return}",
                        "--at",
                        "exit",
                        "--when",
                        "returned.length() == 4")
                    .exitCode())
            .isZero();
        assertThat(target.ask("ping", "pong")).isEqualTo("pong");
        if (cycle == 1) {
          // Proves the histogram is read right: while attached, exactly one agent loader lives.
          assertThat(liveInstances(jdk, pid, LOADER_CLASS)).isEqualTo(1);
        }
        CliRun detach = jlive("detach", pid);
        assertThat(detach.exitCode()).as("detach %d: %s", cycle, detach).isZero();
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> liveInstances(jdk, pid, LOADER_CLASS), count -> count == 0);
      // The agent's threads are gone too.
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
      assertThat(target.stderr()).filteredOn(line -> line.startsWith("jlive agent")).hasSize(5);
    }
  }

  /**
   * Issue 9: after a patch with {@code --also}, the loader stayed: comparing two quiescence-set
   * members with a record's generated equals left a handle typed with the agent's class in a cache
   * of java.lang.runtime.ObjectMethods (found with a heap dump).
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aPatchWithAlsoLeavesNoClassLoader(Jdk jdk) throws Exception {
    try (TargetJvm target =
        TargetJvm.on(jdk).jvmArg("-XX:+EnableDynamicAgentLoading").main(GateApp.class).start()) {
      String pid = Long.toString(target.pid());
      target.ask("load 2", "load started");
      for (int cycle = 1; cycle <= 2; cycle++) {
        CliRun attach = jlive("attach", pid);
        assertThat(attach.exitCode()).as("attach %d: %s", cycle, attach).isZero();
        CliRun patch =
            jlive(
                "patch",
                pid,
                SafepointTest.gatedVersion2().toString(),
                "--also",
                "dev.jlive.it.apps.Gated#first",
                "--timeout",
                "20s");
        assertThat(patch.exitCode()).as("patch %d: %s", cycle, patch).isZero();
        CliRun detach = jlive("detach", pid);
        assertThat(detach.exitCode()).as("detach %d: %s", cycle, detach).isZero();
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> liveInstances(jdk, pid, LOADER_CLASS), count -> count == 0);
      target.ask("stop", "stopped");
      assertThat(target.ask("results", "results"))
          .doesNotContain("error:")
          .doesNotContain("wrong:");
    }
  }

  static long liveInstances(Jdk jdk, String pid, String className)
      throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(jdk.jcmd().toString(), pid, "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String histogram = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IllegalStateException("jcmd failed: " + histogram);
    }
    Matcher row =
        Pattern.compile(
                "^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "\\s*$",
                Pattern.MULTILINE)
            .matcher(histogram);
    return row.find() ? Long.parseLong(row.group(1)) : 0;
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.HotSwapApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.ManifestAgent;
import dev.jlive.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A debugger's or IDE's hot swap (another agent's redefineClasses) of a class jlive has patched:
 * the class keeps the patch's code, since the patch is listed as active, and the agent's log says
 * that the hot swap had no effect and what to do. jlive's own retransformations of the class (a
 * probe added and removed on it) must not say so: that is the control, which shows the warning
 * tells the two apart.
 */
class HotSwapTest {
  private static final String WARNING =
      "another agent redefined or retransformed " + Pricer.class.getName();

  @Test
  void aHotSwapOfAPatchedClassKeepsThePatchAndIsReportedInTheAgentLog(@TempDir Path dir)
      throws Exception {
    Path hotSwapAgent = ManifestAgent.jar(dir.resolve("hotswap-agent.jar"), HotSwapApp.class);
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-javaagent:" + hotSwapAgent)
            .javaagent("")
            .main(HotSwapApp.class)
            .start()) {
      String pid = Long.toString(app.pid());
      CliRun patch =
          jlive(
              "patch", pid, PatchTest.source("quantity * 10", "quantity * 3").toString(), "--json");
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      assertThat(app.ask("price 2", "price")).isEqualTo("price 6");

      CliRun probe =
          jlive("probe", "add", pid, Pricer.class.getName() + "#price", "--count", "--json");
      assertThat(probe.exitCode()).as(probe.toString()).isZero();
      CliRun removed = jlive("probe", "remove", pid, (String) probe.json().get("id"));
      assertThat(removed.exitCode()).as(removed.toString()).isZero();
      assertThat(agentLog(app.pid())).noneMatch(line -> line.contains(WARNING));

      assertThat(app.ask("hotswap", "swapped")).isEqualTo("swapped");
      assertThat(app.ask("price 2", "price")).isEqualTo("price 6");
      assertThat(agentLog(app.pid()))
          .anyMatch(line -> line.contains(WARNING) && line.contains("jlive revert PID ID"));

      CliRun revert = jlive("revert", pid, (String) patch.json().get("id"));
      assertThat(revert.exitCode()).as(revert.toString()).isZero();
      assertThat(app.ask("price 2", "price")).isEqualTo("price 20");
    }
  }

  private static List<String> agentLog(long pid) throws Exception {
    return Files.readAllLines(Artifacts.runtimeDir().resolve(pid + ".log"), StandardCharsets.UTF_8);
  }
}

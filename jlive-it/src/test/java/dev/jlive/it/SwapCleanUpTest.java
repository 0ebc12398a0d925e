package dev.jlive.it;

import static dev.jlive.it.SafepointTest.count;
import static dev.jlive.it.SafepointTest.gatedVersion2;
import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.GateApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A quiescent patch that switched over leaves a clean-up retransformation (it takes the gate and
 * the old body out) due a while later. A revert within that delay retransforms the class itself,
 * from bytes without the patch's merged code, so the patch's clean-up is dropped instead of
 * retransforming once more (SwapCleanUps). On a real JVM: the class ends with the original bytes
 * (no gate, one body) and behaves as v1, and only the revert's own clean-up retransformed it.
 */
class SwapCleanUpTest {
  private static final String GATED = "dev.jlive.it.apps.Gated";

  private static final String DELAY_PROPERTY = "jlive.swapCleanUp.delayMillis";

  /**
   * The patch's clean-up delay: long enough that the revert surely comes within it on a busy host
   * (the agent's delay is 200 ms otherwise); a test-only setting. The revert comes a second or two
   * after the patch on a loaded 2-core box; the negative control waits out the whole delay.
   */
  private static final String DELAY = "-D" + DELAY_PROPERTY + "=10000";

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRevertWithinTheDelayDropsThePatchsCleanUp(boolean drop) throws Exception {
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg(DELAY)
            // The negative control: the same harness with the drop switched off (test-only).
            .jvmArg("-Djlive.swapCleanUp.drop=" + drop)
            .javaagent("")
            .main(GateApp.class)
            .start()) {
      String pid = Long.toString(app.pid());
      app.ask("load 2", "load started");
      String original = AgentHttp.of(app.pid()).digest(GATED);

      CliRun patch = jlive("patch", pid, gatedVersion2().toString(), "--timeout", "30s", "--json");
      assertThat(patch.exitCode()).as(patch.toString()).isZero();
      // The revert's own clean-up need not wait that long: the agent reads the delay at each
      // schedule, and the patch's clean-up is already due 10 s after the patch. With the drop on,
      // the test then waits for nothing the assertions do not need.
      app.ask("property " + DELAY_PROPERTY + " 200", "property set");
      CliRun revert = jlive("revert", pid, (String) patch.json().get("id"));
      assertThat(revert.exitCode()).as(revert.toString()).isZero();

      int cleanUps = drop ? 1 : 2;
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> cleanUpLines(pid, "swap clean-up retransformed").size() >= cleanUps);

      // (a) The original bytes again: no gate call, one body; and v1's behaviour.
      assertThat(AgentHttp.of(app.pid()).digest(GATED)).isEqualTo(original);
      app.ask("clear", "cleared");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(app.ask("results", "results"), "v1v1") > 100);
      app.ask("stop", "stopped");
      assertThat(app.ask("results", "results"))
          .doesNotContain("v2v2")
          .doesNotContain("mixed")
          .doesNotContain("error:")
          .doesNotContain("wrong:");

      // (b) How many clean-ups retransformed the class: the revert's only, or with the drop off
      // the patch's as well.
      assertThat(cleanUpLines(pid, "swap clean-up retransformed")).hasSize(cleanUps);
      assertThat(cleanUpLines(pid, "swap clean-up of")).hasSize(drop ? 1 : 0);
    }
  }

  /** The agent log's lines about clean-ups of Gated that contain {@code text}. */
  private static List<String> cleanUpLines(String pid, String text) throws Exception {
    return Files.readAllLines(Artifacts.runtimeDir().resolve(pid + ".log"), StandardCharsets.UTF_8)
        .stream()
        .filter(line -> line.contains(text) && line.contains(GATED))
        .toList();
  }
}

package dev.jlive.it;

import static dev.jlive.it.PatchTest.source;
import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.RuntimeDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A patch answer times its phases, and the compiler warm-up that makes the first source patch fast
 * runs quietly and can be switched off.
 */
@SuppressWarnings("unchecked")
class PatchPhasesTest {
  private static TargetJvm warmed;
  private static TargetJvm cold;

  @BeforeAll
  static void start() throws Exception {
    warmed = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(PatchTargetApp.class).start();
    cold =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("warmCompiler=false")
            .main(PatchTargetApp.class)
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    warmed.close();
    cold.close();
  }

  @Test
  void aPatchAnswerTimesEachPhaseAndThePhasesFitInTheWallTime() throws Exception {
    String pid = Long.toString(cold.pid());
    long start = System.nanoTime();
    CliRun patch =
        jlive("patch", pid, source("quantity * 10", "quantity * 10 + 2").toString(), "--json");
    double wallMillis = (System.nanoTime() - start) / 1e6;
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    List<Map<String, Object>> phases = (List<Map<String, Object>>) patch.json().get("phases");
    // Read, compiled, checked, woven (the new code off to the side, then the gate into the old),
    // waited at the gate, swapped, recorded (ledger and lists); the gate leaves with the swap, so
    // no "unwoven".
    assertThat(phases)
        .extracting(phase -> phase.get("phase"))
        .containsExactly("read", "compiled", "checked", "woven", "waited", "swapped", "recorded");
    double sum = 0;
    for (Map<String, Object> phase : phases) {
      double millis = ((Number) phase.get("millis")).doubleValue();
      assertThat(millis).as("%s", phase).isGreaterThanOrEqualTo(0);
      sum += millis;
    }
    assertThat(sum)
        .as("phases %s within the wall time %s ms", phases, wallMillis)
        .isLessThanOrEqualTo(wallMillis);
    // Compiling dominates a cold source patch: the phases measure what they say.
    assertThat(((Number) phases.get(1).get("millis")).doubleValue()).isGreaterThan(0);
    assertThat(cold.ask("price 3", "price")).startsWith("price 32 ");

    CliRun again = jlive("patch", pid, source("quantity * 10", "quantity * 10 + 3").toString());
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.stdout())
        .containsPattern(
            "took: read [0-9.]+ ms, compiled [0-9.]+ ms, checked [0-9.]+ ms, "
                + "woven [0-9.]+ ms, waited [0-9.]+ ms, swapped [0-9.]+ ms, recorded [0-9.]+ ms");
    assertThat(cold.ask("price 3", "price")).startsWith("price 33 ");
    assertThat(jlive("revert", pid, again.stdout().split(" ")[1]).exitCode()).isZero();
    assertThat(jlive("revert", pid, (String) patch.json().get("id")).exitCode()).isZero();
    assertThat(cold.ask("price 3", "price")).startsWith("price 30 ");
  }

  @Test
  void theCompilerWarmUpRunsQuietlyAndCanBeSwitchedOff() throws Exception {
    Path warmedLog = agentLog(warmed);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> Files.readString(warmedLog).contains("class-file patch path warmed up"));
    assertThat(Files.readString(warmedLog))
        .contains("compiler warmed up")
        .doesNotContain("warm-up failed")
        // The warm-up read and checked a patch of an application class with its own class file,
        // to the end of the path, where a patch that changes nothing is refused.
        .containsPattern(
            "class-file patch path warmed up in \\d+ ms \\(\\d+ bytes merged and "
                + "woven off to the side; a patch of [\\w.$]+ read and checked\\)")
        .doesNotContain("with its own class file changed it");
    // The application's output holds its own lines and the agent's start-up line, nothing else.
    assertThat(warmed.stdout())
        .allMatch(line -> line.startsWith("ready ") || line.startsWith("price "));
    assertThat(warmed.stderr()).allMatch(line -> line.startsWith("jlive agent "));
    // The class-file warm-up merged and wove a class of jlive's off to the side: no change is
    // recorded, no probe or patch exists, and the application's class runs its own code.
    String pid = Long.toString(warmed.pid());
    assertThat((List<Object>) jlive("changes", pid, "--json").json().get("changes")).isEmpty();
    assertThat((List<Object>) jlive("probe", "list", pid, "--json").json().get("probes")).isEmpty();
    assertThat(warmed.ask("price 3", "price")).startsWith("price 30 ");
    // The first patch after it goes in through a gate and comes out as any patch does.
    CliRun patch = jlive("patch", pid, source("quantity * 10", "quantity * 10 + 4").toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(warmed.ask("price 3", "price")).startsWith("price 34 ");
    assertThat(jlive("revert", pid, patch.stdout().split(" ")[1]).exitCode()).isZero();
    assertThat(warmed.ask("price 3", "price")).startsWith("price 30 ");
    // Switched off: the agent says so, and no warm-up thread ever runs.
    Path coldLog = agentLog(cold);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(coldLog).contains("compiler warm-up off"));
    CliRun threads = jlive("threads", Long.toString(cold.pid()));
    assertThat(threads.exitCode()).as(threads.toString()).isZero();
    assertThat(threads.stdout()).doesNotContain("jlive-compiler-warmup");
    assertThat(Files.readString(coldLog)).doesNotContain("compiler warmed up");
  }

  private static Path agentLog(TargetJvm jvm) throws Exception {
    return RuntimeDirectory.ensure(Artifacts.runtimeDir()).resolve(jvm.pid() + ".log");
  }
}

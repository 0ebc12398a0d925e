package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.Jdk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code jlive demo --fleet} as a user runs it, from the built jar: a controller and four shops,
 * the fix reaching every process, and nothing left running afterwards.
 */
class FleetDemoTest {
  private static final Pattern PROCESSES =
      Pattern.compile("\\$ jlive processes shop\\n(.*?)\\n\\n", Pattern.DOTALL);
  private static final Pattern STARTED = Pattern.compile("started a shop: pid (\\d+), port");

  @Test
  void theFleetTourRunsFromStartToEndAndLeavesNothingRunning() throws Exception {
    List<String> command =
        List.of(
            Jdk.JAVA_17.java().toString(),
            "-Djlive.runtimeDir=" + Artifacts.runtimeDir(),
            "-jar",
            Artifacts.cliJar().toString(),
            "demo",
            "--fleet",
            "--no-pause",
            // Each wave bakes 3 s instead of the tour's 10 s: the gates still wait for their
            // minimum calls, so every wave is judged on as much traffic as the tour asks for.
            "--fleet-bake",
            "3s",
            // Each shop serves 30 requests a second instead of the tour's 10: the gates judge the
            // same minimum calls (200 canary calls for the bad patch), which arrive three times
            // sooner.
            "--fleet-rate",
            "30");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "<output lost: " + e + ">";
              }
            });
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("jlive demo --fleet did not finish within 10 minutes");
    }
    String tour = output.get(30, TimeUnit.SECONDS);
    assertThat(process.exitValue()).as(tour).isZero();

    assertThat(tour)
        .contains("$ jlive policy set shop --patch-approvals 0")
        .contains("sets the shop's policy to 0 approvals")
        .contains("--rollout 1,50%,100%")
        .contains("rollout of c1 (patch) on shop: running (wave 1 of 3, baking)")
        .contains("rollout of c1 (patch) on shop: completed")
        .contains("--gate 'errors <= 1.1 * control + 0.01'")
        .contains("rollout of c3 (patch) on shop: rolled back")
        .contains("The canary has reported the revert:")
        .containsPattern("1 +1 +1 +1 reverted")
        .containsPattern(
            "errors [0-9.]+% > 1.1 × control [0-9.]+% \\+ 1% = [0-9.]+% over \\d+ canary and \\d+ control calls")
        .contains("\"lineTotal\":19990")
        .contains("\"lineTotal\":17991")
        .contains("Nothing is left running.")
        .contains("Fleet tour complete.");
    // The table lists the processes by id, which starts with the pid: two of each zone, in any
    // order (zone a first held only when the zone-a shops happened to get the lower pids).
    Matcher table = PROCESSES.matcher(tour);
    assertThat(table.find()).as(tour).isTrue();
    assertThat(table.group(1).lines().filter(line -> line.contains("zone=a"))).hasSize(2);
    assertThat(table.group(1).lines().filter(line -> line.contains("zone=b"))).hasSize(2);
    List<Long> pids = new ArrayList<>();
    Matcher started = STARTED.matcher(tour);
    while (started.find()) {
      pids.add(Long.parseLong(started.group(1)));
    }
    assertThat(pids).as(tour).hasSize(4);
    for (long pid : pids) {
      Optional<ProcessHandle> shop = ProcessHandle.of(pid);
      assertThat(shop.isPresent() && shop.get().isAlive()).as("shop pid " + pid).isFalse();
    }
  }
}

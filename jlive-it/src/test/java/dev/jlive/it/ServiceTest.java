package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.FleetApp;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service of several real JVMs, a real controller and a real ZooKeeper, driven through the CLI as
 * an engineer would: every process gets the change and reports, metrics add up, late joiners and
 * restarted processes converge, reverts reach everyone.
 */
@SuppressWarnings("unchecked")
class ServiceTest {
  private static final String PRICER = Pricer.class.getName();
  private static FleetFixture fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = FleetFixture.startOnOwnZooKeeper("controller");
  }

  @AfterAll
  static void stop() throws Exception {
    fleet.close();
  }

  /** Each test's JVMs are of a service of its own: none is needed once the test ends. */
  @AfterEach
  void stopThisTestsJvms() throws InterruptedException {
    fleet.stopJoined();
  }

  @Test
  void everyProcessGetsTheProbeAndThePatchAndMetricsAddUp() throws Exception {
    List<TargetJvm> three =
        fleet.joinWithLabels("pricing", PatchTargetApp.class, "zone=eu", "zone=eu", "zone=us");
    TargetJvm a = three.get(0);
    TargetJvm b = three.get(1);
    TargetJvm c = three.get(2);
    fleet.awaitProcesses("pricing", a, b, c);

    CliRun probe =
        fleet.jlive(
            "probe", "add", "--service", "pricing", PRICER + "#price", "--metrics", "--json");
    assertThat(probe.exitCode()).as(probe.toString()).isZero();
    assertThat(states(probe)).containsOnly("applied").hasSize(3);
    String probeId = changeId(probe);

    // Different numbers of calls in each process; the service's numbers are their sum.
    int[] calls = {3, 5, 7};
    TargetJvm[] jvms = {a, b, c};
    for (int i = 0; i < jvms.length; i++) {
      for (int n = 0; n < calls[i]; n++) {
        assertThat(jvms[i].ask("price 2", "price")).startsWith("price 20 ");
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              CliRun metrics = fleet.jlive("metrics", "--service", "pricing", probeId, "--json");
              assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
              Map<String, Object> merged =
                  ((List<Map<String, Object>>) metrics.json().get("merged")).get(0);
              assertThat(((Number) merged.get("calls")).longValue()).isEqualTo(15);
              long perProcess =
                  ((List<Map<String, Object>>) metrics.json().get("processes"))
                      .stream().mapToLong(row -> ((Number) row.get("calls")).longValue()).sum();
              assertThat(perProcess).isEqualTo(15);
              assertThat(
                      ((Number) ((Map<String, Object>) merged.get("latency")).get("timedCalls"))
                          .longValue())
                  .isPositive();
            });

    // A log probe's events from every process, in one stream.
    CliRun log =
        fleet.jlive(
            "probe",
            "add",
            "--service",
            "pricing",
            PRICER + "#price",
            "--log",
            "quoting {args[0]}",
            "--json");
    assertThat(log.exitCode()).as(log.toString()).isZero();
    for (TargetJvm jvm : jvms) {
      assertThat(jvm.ask("price 4", "price")).startsWith("price 40 ");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              CliRun tail =
                  fleet.jlive(
                      "tail",
                      "--service",
                      "pricing",
                      changeId(log),
                      "--last",
                      "10",
                      "--count",
                      "3",
                      "--timeout",
                      "3s",
                      "--json");
              List<Map<String, Object>> events =
                  tail.stdout().lines().map(line -> Json.parseObject(line)).toList();
              assertThat(events)
                  .extracting(event -> ((Number) event.get("pid")).longValue())
                  .containsExactlyInAnyOrder(a.pid(), b.pid(), c.pid());
              assertThat(events)
                  .extracting(event -> String.valueOf(event.get("message")))
                  .allMatch(message -> message.contains("quoting 4"));
            });
    assertThat(fleet.jlive("revert", "--service", "pricing", changeId(log)).exitCode()).isZero();

    // Only the eu processes get the patch.
    CliRun patch =
        fleet.jlive(
            "patch",
            "--service",
            "pricing",
            "--where",
            "zone=eu",
            source("return quantity * 10;", "return quantity * 11;").toString(),
            "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(states(patch)).containsOnly("applied").hasSize(2);
    assertThat(a.ask("price 2", "price")).startsWith("price 22 ");
    assertThat(b.ask("price 2", "price")).startsWith("price 22 ");
    assertThat(c.ask("price 2", "price")).startsWith("price 20 ");
    // The probe stays on across the patch.
    assertThat(a.ask("price 1", "price")).startsWith("price 11 ");

    // Sent twice, applied once.
    CliRun again =
        fleet.jlive(
            "patch",
            "--service",
            "pricing",
            "--where",
            "zone=eu",
            source("return quantity * 10;", "return quantity * 11;").toString(),
            "--json");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.json().get("created")).isEqualTo(false);
    assertThat(changeId(again)).isEqualTo(changeId(patch));

    CliRun revert = fleet.jlive("revert", "--service", "pricing", changeId(patch), "--json");
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
    for (TargetJvm jvm : jvms) {
      assertThat(jvm.ask("price 2", "price")).startsWith("price 20 ");
    }
    assertThat(fleet.jlive("revert", "--service", "pricing", probeId).exitCode()).isZero();
    CliRun history = fleet.jlive("changes", "--service", "pricing", "--json");
    assertThat(((List<Map<String, Object>>) history.json().get("changes")))
        .extracting(change -> change.get("state"))
        .containsOnly("reverted");
  }

  @Test
  void lateAndRestartedProcessesConvergeAndRevertsReachEveryone() throws Exception {
    TargetJvm first = fleet.join("converge", null);
    fleet.awaitProcesses("converge", first);
    CliRun patch =
        fleet.jlive(
            "patch",
            "--service",
            "converge",
            source("return quantity * 10;", "return quantity * 12;").toString(),
            "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(first.ask("price 1", "price")).startsWith("price 12 ");

    // Started after the change: it gets it without anyone asking.
    TargetJvm late = fleet.join("converge", null);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(late.ask("price 1", "price")).startsWith("price 12 "));

    // Restarted: the first stops (its agent says goodbye to the controller), a new JVM takes its
    // place and converges.
    assertThat(first.exit()).isZero();
    TargetJvm restarted = fleet.join("converge", null);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(restarted.ask("price 1", "price")).startsWith("price 12 "));
    fleet.awaitProcesses("converge", late, restarted);

    CliRun revert = fleet.jlive("revert", "--service", "converge", changeId(patch), "--json");
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
    for (TargetJvm jvm : List.of(late, restarted)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(jvm.ask("price 1", "price")).startsWith("price 10 "));
    }
  }

  @Test
  void aWorkerJvmSpawnedByAServiceJvmJoinsTheServiceAndGetsItsChanges() throws Exception {
    TargetJvm parent = fleet.join("workers", "role=parent", FleetApp.class);
    fleet.awaitProcesses("workers", parent);
    CliRun patch =
        fleet.jlive(
            "patch",
            "--service",
            "workers",
            source("return quantity * 10;", "return quantity * 13;").toString(),
            "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(parent.ask("price 1", "price")).startsWith("price 13 ");

    String spawned = parent.ask("spawn pricer", "spawned");
    assertThat(spawned).contains("agent=true");
    long child = Long.parseLong(spawned.split(" ")[1]);
    try {
      // The worker registers with the parent's service and labels, and applies the active patch.
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                CliRun status = fleet.jlive("processes", "workers", "--json");
                Map<String, Object> worker =
                    ((List<Map<String, Object>>) status.json().get("processes"))
                        .stream()
                            .filter(process -> ((Number) process.get("pid")).longValue() == child)
                            .findFirst()
                            .orElseThrow();
                assertThat(((Map<String, Object>) worker.get("labels")))
                    .containsEntry("role", "parent");
                assertThat(
                        String.valueOf(
                            ((Map<String, Object>) worker.get("changes")).get(changeId(patch))))
                    .contains("applied");
              });
    } finally {
      assertThat(parent.exit()).isZero(); // stops the worker too
    }
  }

  @Test
  void errorsNameTheServiceAndTheProcesses() throws Exception {
    CliRun unknown =
        fleet.jlive("probe", "add", "--service", "nosuch", PRICER + "#price", "--count");
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.stderr()).contains("no service nosuch");

    TargetJvm one = fleet.join("partial", null);
    fleet.awaitProcesses("partial", one);
    CliRun none =
        fleet.jlive(
            "probe",
            "add",
            "--service",
            "partial",
            "--where",
            "zone=mars",
            PRICER + "#price",
            "--count");
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.stderr()).contains("no live process of partial");

    // A change that fails on the process: the result says which process and why.
    CliRun failed =
        fleet.jlive(
            "probe",
            "add",
            "--service",
            "partial",
            "com.acme.Missing#nothing",
            "--count",
            "--json");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(9);
    Map<String, Object> row = ((List<Map<String, Object>>) failed.json().get("results")).get(0);
    assertThat(row.get("state")).isEqualTo("failed");
    assertThat(((Number) row.get("pid")).longValue()).isEqualTo(one.pid());
    assertThat(String.valueOf(row.get("message"))).contains("com.acme.Missing");
  }

  static List<Object> states(CliRun run) {
    return ((List<Map<String, Object>>) run.json().get("results"))
        .stream().map(row -> (Object) row.get("state")).toList();
  }

  static String changeId(CliRun run) {
    return String.valueOf(((Map<String, Object>) run.json().get("change")).get("id"));
  }

  /** A copy of Pricer.java with one piece of text replaced, in a fresh folder. */
  static Path source(String from, String to) throws Exception {
    String code =
        Files.readString(
            Paths.get("src/test/java/dev/jlive/it/apps/Pricer.java"), StandardCharsets.UTF_8);
    assertThat(code).contains(from);
    Path file = Artifacts.work().resolve("fleet-patch-" + System.nanoTime()).resolve("Pricer.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, code.replace(from, to));
    return file;
  }
}

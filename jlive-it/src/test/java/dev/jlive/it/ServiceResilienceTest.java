package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/** The fleet when parts of it fail: a ZooKeeper server, the controller itself. */
@SuppressWarnings("unchecked")
class ServiceResilienceTest {
  private static final String PRICER = Pricer.class.getName();

  @Test
  void withOneOfThreeZooKeeperServersDownAChangeStillReachesEveryProcess() throws Exception {
    try (TestingCluster ensemble = new TestingCluster(3)) {
      ensemble.start();
      try (FleetFixture fleet =
          FleetFixture.start(ensemble.getConnectString(), FleetFixture.tempDir("ensemble"))) {
        List<TargetJvm> both = fleet.joinAll("ensemble", PatchTargetApp.class, 2);
        TargetJvm a = both.get(0);
        TargetJvm b = both.get(1);
        fleet.awaitProcesses("ensemble", a, b);
        assertThat(ensemble.killServer(ensemble.getInstances().iterator().next())).isTrue();

        // The controller may be reconnecting to another server at first: the CLI then says so, and
        // a retry goes through.
        CliRun probe =
            await()
                .atMost(Duration.ofSeconds(60))
                .until(
                    () ->
                        fleet.jlive(
                            "probe",
                            "add",
                            "--service",
                            "ensemble",
                            PRICER + "#price",
                            "--count",
                            "--json"),
                    run -> run.exitCode() == 0 || run.stdout().contains("\"created\""));
        assertThat(probe.exitCode()).as(probe.toString()).isZero();
        assertThat(ServiceTest.states(probe)).containsOnly("applied").hasSize(2);
      }
    }
  }

  @Test
  void aControllerRestartedOnItsDataDirectoryKeepsDesiredStateAndHistory() throws Exception {
    Path dataDir = FleetFixture.tempDir("restart");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ControllerConfig config =
        ControllerConfig.defaults(dataDir).withPort(port).withHeartbeat(Duration.ofSeconds(1));
    Controller first = Controller.start(config);
    String options =
        "controller="
            + first.url()
            + ",service=restarts,controllerTokenFile="
            + FleetFixture.agentTokenFile(first, "restarts")
            + ",quiet";
    try (TargetJvm jvm =
        TargetJvm.on(Jdk.JAVA_17).javaagent(options).main(PatchTargetApp.class).start()) {
      String patchId;
      String probeId;
      try {
        // No sign-off in this test: the default policy set here is kept in ZooKeeper with the rest.
        CliRun noSignOff =
            cli(
                first,
                "policy",
                "set",
                "--default",
                "--patch-approvals",
                "0",
                "--capture-approvals",
                "0");
        assertThat(noSignOff.exitCode()).as(noSignOff.toString()).isZero();
        awaitProcess(first, jvm);
        CliRun patch =
            cli(
                first,
                "patch",
                "--service",
                "restarts",
                ServiceTest.source("return quantity * 10;", "return quantity * 14;").toString(),
                "--json");
        assertThat(patch.exitCode()).as(patch.toString()).isZero();
        patchId = ServiceTest.changeId(patch);
        CliRun probe =
            cli(
                first,
                "probe",
                "add",
                "--service",
                "restarts",
                PRICER + "#price",
                "--count",
                "--json");
        probeId = ServiceTest.changeId(probe);
        assertThat(cli(first, "revert", "--service", "restarts", probeId).exitCode()).isZero();
      } finally {
        first.close();
      }
      // While the controller is away, the process keeps its changes.
      assertThat(jvm.ask("price 1", "price")).startsWith("price 14 ");

      try (Controller second = Controller.start(config)) {
        CliRun history = cli(second, "changes", "--service", "restarts", "--json");
        assertThat(((List<Map<String, Object>>) history.json().get("changes")))
            .extracting(change -> change.get("id") + ":" + change.get("state"))
            .containsExactly(probeId + ":reverted", patchId + ":active");
        // The process finds the controller again, registers anew, and is told the same desired
        // state.
        awaitProcess(second, jvm);
        assertThat(jvm.ask("price 1", "price")).startsWith("price 14 ");
        CliRun revert = cli(second, "revert", "--service", "restarts", patchId, "--json");
        assertThat(revert.exitCode()).as(revert.toString()).isZero();
        assertThat(jvm.ask("price 1", "price")).startsWith("price 10 ");
      }
    }
  }

  private static void awaitProcess(Controller controller, TargetJvm jvm) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              CliRun processes = cli(controller, "processes", "restarts", "--json");
              assertThat(processes.exitCode()).as(processes.toString()).isZero();
              assertThat(((List<Map<String, Object>>) processes.json().get("processes")))
                  .extracting(process -> ((Number) process.get("pid")).longValue())
                  .containsExactly(jvm.pid());
            });
  }

  private static CliRun cli(Controller controller, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--controller",
            controller.url(),
            "--controller-token-file",
            controller.tokenFile().toString()));
    return CliRun.jlive(all.toArray(String[]::new));
  }
}

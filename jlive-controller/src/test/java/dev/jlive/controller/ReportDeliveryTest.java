package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.change.ChangeStatus;
import dev.jlive.protocol.change.ProcessResult;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet delivery (issue 16): an agent reports an applied change on its next long poll, and the
 * controller shows the report at once, before its write to ZooKeeper. Old agents, which report with
 * a sync that does not wait, are served as before.
 */
class ReportDeliveryTest {
  @TempDir Path dataDir;
  private TestingServer zooKeeper;
  private Controller controller;
  private Http http;

  @AfterEach
  void stop() throws Exception {
    if (controller != null) {
      controller.close();
    }
    zooKeeper.close();
  }

  private void start() throws Exception {
    zooKeeper = new TestingServer(true);
    controller =
        Controller.start(
            ControllerConfig.defaults(dataDir)
                .withZooKeeper(zooKeeper.getConnectString())
                .withHeartbeat(Duration.ofSeconds(1)));
    http = Http.asAdminAndAgent(controller);
  }

  /** Adds a count probe to {@code service}: its id. */
  private String added(String service) {
    Http.Answer added = http.post(FleetApi.changes(service), probe());
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
    return (String) ((Map<?, ?>) added.body().get("change")).get("id");
  }

  /** Hands the desired changes to {@code process}: the desired version they belong to. */
  private long delivered(String process) {
    SyncAnswer answer = sync(process, -1, 0, Map.of());
    assertThat(answer).isInstanceOf(SyncAnswer.Changes.class);
    return answer.desiredVersion();
  }

  private static Map<String, Object> probe() {
    return Map.of("kind", "probe", "spec", Map.of("selector", "a.B#c", "kind", "count"));
  }

  private String register(String service, int pid) {
    return RegisterAnswer.fromWire(
            http.post(
                    FleetApi.REGISTER,
                    new RegisterBody(
                            FleetApi.PROTOCOL_VERSION,
                            service,
                            "host-a",
                            pid,
                            "17",
                            "test",
                            Map.of(),
                            "i" + pid)
                        .toJson())
                .body())
        .process();
  }

  private SyncAnswer sync(
      String process, long known, long waitMillis, Map<String, ChangeReport> report) {
    return SyncAnswer.fromWire(
        http.post(
                FleetApi.SYNC,
                new SyncBody(
                        FleetApi.PROTOCOL_VERSION,
                        process,
                        known,
                        waitMillis,
                        report,
                        Map.of(),
                        List.of(),
                        0)
                    .toJson())
            .body());
  }

  private ProcessState stateOf(String service, String id, String process) {
    return ChangeStatus.fromWire(http.get(FleetApi.change(service, id)).body()).results().stream()
        .filter(result -> result.process().equals(process))
        .map(ProcessResult::state)
        .findFirst()
        .orElse(null);
  }

  @Test
  void aReportOnALongPollIsShownWhileThePollWaitsEvenBeforeZooKeeperHasIt() throws Exception {
    start();
    String process = register("riding", 51);
    String id = added("riding");
    long version = delivered(process);
    // ZooKeeper goes away: the report cannot be written, and the status can only come from what
    // this controller received. Before issue 16 it came from ZooKeeper's mirror alone and stayed
    // "pending" here.
    zooKeeper.stop();
    CompletableFuture<SyncAnswer> poll =
        CompletableFuture.supplyAsync(
            () ->
                sync(process, version, 20_000, Map.of(id, ChangeReport.of(ProcessState.APPLIED))));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(stateOf("riding", id, process)).isEqualTo(ProcessState.APPLIED));
    assertThat(poll).isNotDone();
    zooKeeper.restart();
  }

  @Test
  void anOldAgentThatReportsWithASyncThatDoesNotWaitIsServedAsBefore() throws Exception {
    start();
    String process = register("apart", 52);
    String id = added("apart");
    long version = delivered(process);
    SyncAnswer report =
        sync(process, version, 0, Map.of(id, ChangeReport.of(ProcessState.APPLIED)));

    assertThat(report).isInstanceOf(SyncAnswer.Unchanged.class);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(stateOf("apart", id, process)).isEqualTo(ProcessState.APPLIED));
  }
}

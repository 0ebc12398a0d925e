package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What survives: a controller restarted on its data directory, and a ZooKeeper ensemble that loses
 * a server.
 */
class DurabilityTest {
  @TempDir Path dataDir;

  @Test
  void aRestartedControllerKeepsDesiredStateAndHistory() throws Exception {
    String active;
    String reverted;
    try (Controller first = Controller.start(ControllerConfig.defaults(dataDir))) {
      Http http = Http.asAdminAndAgent(first);
      String process = register(http, "durable", 1);
      active = add(http, "durable", "com.acme.A#a");
      reverted = add(http, "durable", "com.acme.B#b");
      assertThat(http.delete(FleetApi.change("durable", reverted)).status()).isEqualTo(200);
      assertThat(process).isNotBlank();
    }
    try (Controller second = Controller.start(ControllerConfig.defaults(dataDir))) {
      Http http = Http.asAdminAndAgent(second);
      // Same token (read back from the data directory), same history, same desired state.
      List<?> history = (List<?>) http.get(FleetApi.changes("durable")).body().get("changes");
      assertThat(history)
          .extracting(
              change -> ((Map<?, ?>) change).get("id") + ":" + ((Map<?, ?>) change).get("state"))
          .containsExactly(reverted + ":reverted", active + ":active");
      // A process that comes back (the old one's session ended with the old controller) gets the
      // active change.
      String process = register(http, "durable", 2);
      Map<String, Object> sync =
          http.post(FleetApi.SYNC, Map.of("process", process, "desiredVersion", -1)).body();
      assertThat(Http.field(sync.get("changes"), "id")).containsExactly(active);
    }
  }

  @Test
  void aChangeReachesEveryProcessWhenOneOfThreeZooKeeperServersIsDown() throws Exception {
    try (TestingCluster cluster = new TestingCluster(3)) {
      cluster.start();
      try (Controller controller =
          Controller.start(
              ControllerConfig.defaults(dataDir).withZooKeeper(cluster.getConnectString()))) {
        Http http = Http.asAdminAndAgent(controller);
        String a = register(http, "ensemble", 1);
        String b = register(http, "ensemble", 2);
        InstanceSpec stopped = cluster.getInstances().iterator().next();
        assertThat(cluster.killServer(stopped)).isTrue();
        // Writes need a quorum (two of three): the controller may have to reconnect first.
        String id =
            Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> add(http, "ensemble", "com.acme.C#c"), found -> found != null);
        for (String process : List.of(a, b)) {
          Map<String, Object> sync =
              Awaitility.await()
                  .atMost(Duration.ofSeconds(30))
                  .ignoreExceptions()
                  .until(
                      () ->
                          http.post(FleetApi.SYNC, Map.of("process", process, "desiredVersion", -1))
                              .body(),
                      body -> body.containsKey("changes"));
          assertThat(Http.field(sync.get("changes"), "id")).containsExactly(id);
        }
      }
    }
  }

  @Test
  void withZooKeeperGoneReadsStillAnswerAndWritesSaySo() throws Exception {
    TestingServer zooKeeper = new TestingServer(true);
    try (Controller controller =
        Controller.start(
            ControllerConfig.defaults(dataDir).withZooKeeper(zooKeeper.getConnectString()))) {
      Http http = Http.asAdminAndAgent(controller);
      register(http, "offline", 1);
      String id = add(http, "offline", "com.acme.O#o");
      zooKeeper.stop();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !"connected".equals(http.get(FleetApi.HEALTH).body().get("zookeeper")));
      // Reads answer from the last known state...
      assertThat(Http.field(http.get(FleetApi.changes("offline")).body().get("changes"), "id"))
          .containsExactly(id);
      assertThat(Http.field(http.get(FleetApi.SERVICES).body().get("services"), "name"))
          .contains("offline");
      // ...writes are refused, saying why, and change nothing.
      Http.Answer refused =
          http.post(
              FleetApi.changes("offline"),
              Map.of("kind", "probe", "spec", Map.of("selector", "a.B#c", "kind", "count")));
      assertThat(refused.status()).isEqualTo(503);
      Map<?, ?> error = (Map<?, ?>) refused.body().get("error");
      assertThat(error.get("code")).isEqualTo("STORE_UNAVAILABLE");
      assertThat((String) error.get("hint")).contains("nothing was changed");
    } finally {
      zooKeeper.close();
    }
  }

  static String register(Http http, String service, long pid) {
    RegisterBody body =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION,
            service,
            "h",
            pid,
            null,
            null,
            Map.of(),
            "i" + pid + "-" + System.nanoTime());
    Http.Answer answer = http.post(FleetApi.REGISTER, body.toJson());
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return RegisterAnswer.fromWire(answer.body()).process();
  }

  static String add(Http http, String service, String selector) {
    Http.Answer answer =
        http.post(
            FleetApi.changes(service),
            Map.of("kind", "probe", "spec", Map.of("selector", selector, "kind", "count")));
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
    return (String) ((Map<?, ?>) answer.body().get("change")).get("id");
  }
}

package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeState;
import dev.jlive.protocol.fleet.DesiredChange;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-off against the real store, without agents: a proposal is in no process's desired set, the
 * same proposal sent twice is one, and of many approvers racing for the one approval needed exactly
 * one makes the change active; it is desired once.
 */
class SignOffRaceTest {
  static TestingServer zooKeeper;
  static Controller controller;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dataDir;
  private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    zooKeeper = new TestingServer(true);
    controller =
        Controller.start(
            ControllerConfig.defaults(dataDir)
                .withZooKeeper(zooKeeper.getConnectString())
                .withHeartbeat(Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() throws Exception {
    controller.close();
    zooKeeper.close();
  }

  @Test
  void racingApproversActivateTheChangeOnceAndAProposalIsNeverDesired() {
    String process =
        RegisterAnswer.fromWire(
                send(
                        "agent",
                        "POST",
                        FleetApi.REGISTER,
                        new RegisterBody(
                                FleetApi.PROTOCOL_VERSION,
                                "race",
                                "host-a",
                                51,
                                "17",
                                "test",
                                Map.of(),
                                "i51")
                            .toJson())
                    .join()
                    .body())
            .process();
    Map<String, Object> patch =
        Map.of(
            "kind",
            "patch",
            "spec",
            Map.of("sources", List.of(Map.of("name", "A.java", "code", "class A {}"))));
    Answer first = send("alice", "POST", FleetApi.changes("race"), patch).join();
    assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
    ChangeAnswer proposed = ChangeAnswer.fromWire(first.body());
    assertThat(proposed.change().state()).isEqualTo(ChangeState.PROPOSED);
    String id = proposed.change().id();
    Answer again = send("alice", "POST", FleetApi.changes("race"), patch).join();
    assertThat(ChangeAnswer.fromWire(again.body()).created()).isFalse();
    assertThat(ChangeAnswer.fromWire(again.body()).change().id()).isEqualTo(id);
    assertThat(desired(process)).isEmpty();

    List<CompletableFuture<Answer>> approvals = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      approvals.add(send("approver" + i, "POST", FleetApi.approve("race", id), Map.of()));
    }
    List<Integer> statuses =
        approvals.stream().map(CompletableFuture::join).map(Answer::status).toList();
    assertThat(statuses).containsOnly(200, 409).containsOnlyOnce(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(desired(process)).extracting(DesiredChange::id).containsExactly(id));
    Answer list = send("alice", "GET", FleetApi.changes("race"), null).join();
    assertThat(Json.write(list.body())).contains("\"state\":\"active\"").contains("approver");
  }

  private static List<DesiredChange> desired(String process) {
    SyncAnswer answer =
        SyncAnswer.fromWire(
            send(
                    "agent",
                    "POST",
                    FleetApi.SYNC,
                    new SyncBody(
                            FleetApi.PROTOCOL_VERSION,
                            process,
                            -1,
                            0,
                            Map.of(),
                            Map.of(),
                            List.of(),
                            0)
                        .toJson())
                .join()
                .body());
    return answer instanceof SyncAnswer.Changes changes ? changes.changes() : List.of();
  }

  record Answer(int status, Map<String, Object> body) {}

  /** Each name is a user of its own: alice proposes, approverN approve, agent syncs. */
  private static String token(String user) {
    return TOKENS.computeIfAbsent(
        user,
        name -> {
          String role =
              name.equals("agent")
                  ? "agent@race"
                  : name.startsWith("approver") ? "approver@race" : "patcher@race";
          Http.Answer added =
              new Http(controller.url(), controller.token())
                  .post(FleetApi.USERS, Map.of("name", name, "roles", List.of(role)));
          assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
          return String.valueOf(added.body().get("token"));
        });
  }

  private static CompletableFuture<Answer> send(
      String user, String method, String path, Map<String, Object> body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(controller.url() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token(user))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build();
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> new Answer(response.statusCode(), Json.parseObject(response.body())));
  }
}

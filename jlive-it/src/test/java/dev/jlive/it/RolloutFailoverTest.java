package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Two controller processes on one ZooKeeper that the test owns; a rollout in three waves; the
 * controller that drives it is killed with SIGKILL in the middle of a bake. The other carries on
 * from the recorded state and finishes: every process ends with the change applied, and the history
 * holds exactly one "reached" and one "passed" per wave (no wave reached twice, no gate skipped)
 * and the take-over.
 */
@SuppressWarnings("unchecked")
class RolloutFailoverTest {
  private static final String SERVICE = "handover";
  private static final String PRICER = Pricer.class.getName();
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+) ");

  @Test
  void theOtherControllerFinishesTheRolloutWhenTheDrivingOneIsKilledMidBake() throws Exception {
    List<AutoCloseable> running = new ArrayList<>();
    try (TestingServer zooKeeper = new TestingServer(true)) {
      Path zkAuth = FleetFixture.tempDir("handover-zk").resolve("zk-auth");
      Files.writeString(zkAuth, "digest=jlive-controllers:" + UUID.randomUUID() + "\n");
      Files.setPosixFilePermissions(zkAuth, PosixFilePermissions.fromString("rw-------"));
      Path dirA = FleetFixture.tempDir("handover-a");
      TargetJvm controllerA = controller(zooKeeper, zkAuth, dirA, dirA);
      running.add(controllerA);
      TargetJvm controllerB =
          controller(zooKeeper, zkAuth, FleetFixture.tempDir("handover-b"), dirA);
      running.add(controllerB);
      Map<String, TargetJvm> byUrl =
          Map.of(urlOf(controllerA), controllerA, urlOf(controllerB), controllerB);
      String urlA = urlOf(controllerA);
      String urlB = urlOf(controllerB);
      Path adminToken = dirA.resolve("token");
      Path agentToken = agentToken(urlA, Files.readString(adminToken).trim());
      List<TargetJvm> agents = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        TargetJvm agent = agent(urlA + "|" + urlB, agentToken);
        running.add(agent);
        agents.add(agent);
      }
      awaitProcesses(urlB, adminToken, 3);

      CliRun probe =
          jlive(
              urlA,
              adminToken,
              "probe",
              "add",
              "--service",
              SERVICE,
              PRICER + "#price",
              "--metrics",
              "--rollout",
              "1,2,100%",
              "--bake",
              "6s",
              "--json");
      assertThat(probe.exitCode()).as(probe.toString()).isZero();
      String id = String.valueOf(((Map<String, Object>) probe.json().get("change")).get("id"));

      // Mid-bake of the second wave: kill whoever drives.
      Map<String, Object> baking =
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> rollout(urlB, adminToken, id),
                  rollout ->
                      ((List<?>) rollout.get("waves")).size() == 2
                          && "baking".equals(rollout.get("step")));
      String driver = String.valueOf(baking.get("driver"));
      String driverUrl = "http://" + driver.substring("controller ".length());
      TargetJvm victim = byUrl.get(driverUrl);
      assertThat(victim).as("driver %s among %s", driver, byUrl.keySet()).isNotNull();
      String survivor = driverUrl.equals(urlA) ? urlB : urlA;
      victim.process().destroyForcibly();
      assertThat(victim.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

      Map<String, Object> done =
          await()
              .atMost(Duration.ofSeconds(120))
              .until(
                  () -> rollout(survivor, adminToken, id),
                  rollout -> "completed".equals(rollout.get("status")));
      assertThat(done.get("driver")).isNotEqualTo(driver);
      List<Map<String, Object>> history = (List<Map<String, Object>>) done.get("history");
      for (int wave = 1; wave <= 3; wave++) {
        int number = wave;
        List<Object> decisions =
            history.stream()
                .filter(d -> ((Number) d.get("wave")).intValue() == number)
                .map(d -> d.get("decision"))
                .filter(d -> !"took over".equals(d))
                .toList();
        assertThat(decisions)
            .as("wave %s in %s", wave, history)
            .containsExactly("reached", "passed");
      }
      assertThat(history)
          .filteredOn(d -> "took over".equals(d.get("decision")))
          .hasSize(1)
          .first()
          .satisfies(d -> assertThat(String.valueOf(d.get("detail"))).contains(driver));
      List<Map<String, Object>> waves = (List<Map<String, Object>>) done.get("waves");
      assertThat(waves)
          .extracting(wave -> ((List<?>) wave.get("processes")).size())
          .containsExactly(1, 1, 1);

      // Every process ends with the probe applied.
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                CliRun status =
                    jlive(survivor, adminToken, "rollout", "status", SERVICE, id, "--json");
                assertThat(status.exitCode()).as(status.toString()).isZero();
                assertThat((List<Map<String, Object>>) status.json().get("waveStates"))
                    .containsExactly(
                        Map.of("applied", 1L), Map.of("applied", 1L), Map.of("applied", 1L));
              });
    } finally {
      for (int i = running.size() - 1; i >= 0; i--) {
        running.get(i).close();
      }
    }
  }

  private static Map<String, Object> rollout(String url, Path token, String id) {
    CliRun run = jlive(url, token, "rollout", "status", SERVICE, id, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return (Map<String, Object>) run.json().get("rollout");
  }

  /** A controller process on the test's ZooKeeper, with the admin token and signing key in keys. */
  private static TargetJvm controller(TestingServer zooKeeper, Path zkAuth, Path dataDir, Path keys)
      throws Exception {
    return TargetJvm.on(Jdk.JAVA_17)
        .jar(
            Artifacts.cliJar(),
            "controller",
            "start",
            "--zk",
            zooKeeper.getConnectString(),
            "--zk-auth",
            zkAuth.toString(),
            "--data-dir",
            dataDir.toString(),
            "--token-file",
            keys.resolve("token").toString(),
            "--signing-key",
            keys.resolve("signing-key").toString(),
            "--port",
            "0",
            "--heartbeat",
            "1s")
        .readyLine("jlive controller ")
        .start();
  }

  private static String urlOf(TargetJvm controller) {
    String line =
        controller.stdout().stream()
            .filter(text -> text.startsWith("jlive controller "))
            .findFirst()
            .orElseThrow();
    Matcher matcher = LISTENING.matcher(line);
    assertThat(matcher.find()).as(line).isTrue();
    return matcher.group(1);
  }

  private static TargetJvm agent(String controllers, Path agentToken) throws Exception {
    return TargetJvm.on(Jdk.JAVA_17)
        .javaagent(
            "controller="
                + controllers
                + ",service="
                + SERVICE
                + ",controllerTokenFile="
                + agentToken
                + ",quiet")
        .main(PatchTargetApp.class)
        .start();
  }

  /** An agent@SERVICE user made through the first controller, its token in a private file. */
  private static Path agentToken(String url, String adminToken) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + FleetApi.USERS))
                    .timeout(Duration.ofSeconds(30))
                    .header(Api.AUTHORIZATION, Api.BEARER + adminToken)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            Json.write(
                                Map.of(
                                    "name",
                                    "agent-" + SERVICE,
                                    "roles",
                                    List.of("agent@" + SERVICE)))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    Path file = FleetFixture.tempDir("handover-agent").resolve("token");
    Files.writeString(file, Json.parseObject(answer.body()).get("token") + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static void awaitProcesses(String url, Path token, int count) {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              CliRun run = jlive(url, token, "processes", SERVICE, "--json");
              assertThat(run.exitCode()).as(run.toString()).isZero();
              assertThat((List<?>) run.json().get("processes")).hasSize(count);
            });
  }

  private static CliRun jlive(String url, Path token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--controller", url, "--controller-token-file", token.toString()));
    return CliRun.jlive(all.toArray(String[]::new));
  }
}

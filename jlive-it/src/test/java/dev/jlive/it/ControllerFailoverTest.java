package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.AgentHttp;
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
 * An agent given two controllers ({@code controller=A|B}) keeps its changes and keeps reporting
 * when the first dies: two controller processes on one ZooKeeper that the test owns, the first
 * killed with SIGKILL. The negative control, an agent given only the first controller, stops
 * reporting.
 */
@SuppressWarnings("unchecked")
class ControllerFailoverTest {
  private static final String SERVICE = "failover";
  private static final String PRICER = Pricer.class.getName();
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+) ");

  @Test
  void anAgentWithTwoControllersKeepsItsProbeAndReportsToTheSecondWhenTheFirstIsKilled()
      throws Exception {
    List<AutoCloseable> running = new ArrayList<>();
    try (TestingServer zooKeeper = new TestingServer(true)) {
      Path zkAuth = FleetFixture.tempDir("failover-zk").resolve("zk-auth");
      Files.writeString(zkAuth, "digest=jlive-controllers:" + UUID.randomUUID() + "\n");
      Files.setPosixFilePermissions(zkAuth, PosixFilePermissions.fromString("rw-------"));
      Path dirA = FleetFixture.tempDir("failover-a");
      TargetJvm controllerA = controller(zooKeeper, zkAuth, dirA, dirA);
      running.add(controllerA);
      String urlA = urlOf(controllerA);
      // The second shares the first's admin token and signing key, as controllers of one ensemble
      // do.
      TargetJvm controllerB =
          controller(zooKeeper, zkAuth, FleetFixture.tempDir("failover-b"), dirA);
      running.add(controllerB);
      String urlB = urlOf(controllerB);
      Path adminToken = dirA.resolve("token");
      assertOk(
          jlive(
              urlA,
              adminToken,
              "policy",
              "set",
              "--default",
              "--patch-approvals",
              "0",
              "--probe-approvals",
              "0",
              "--capture-approvals",
              "0"));
      Path agentToken = agentToken(urlA, Files.readString(adminToken).trim());

      TargetJvm both = agent(urlA + "|" + urlB, agentToken);
      running.add(both);
      TargetJvm firstOnly = agent(urlA, agentToken);
      running.add(firstOnly);
      awaitProcesses(urlB, adminToken, both, firstOnly);

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
              "--json");
      assertOk(probe);
      String probeId = changeId(probe);
      for (int i = 0; i < 3; i++) {
        assertThat(both.ask("price 2", "price")).startsWith("price 20 ");
      }
      awaitCalls(urlA, adminToken, probeId, both, 3);
      Map<String, Object> before = link(both);
      assertThat(before.get("url")).isEqualTo(urlA);
      assertThat(before.get("urls")).isEqualTo(List.of(urlA, urlB));

      // SIGKILL: no deregistration, no goodbye; the agents' next request finds nobody.
      controllerA.process().destroyForcibly();
      assertThat(controllerA.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

      // The probe stays and counts on; the second controller sees every call.
      for (int i = 0; i < 4; i++) {
        assertThat(both.ask("price 2", "price")).startsWith("price 20 ");
      }
      // Once the dead controller's ZooKeeper session has expired, the second lists the agent that
      // moved to it, and not the one that knew only the first.
      awaitProcesses(urlB, adminToken, both);
      awaitCalls(urlB, adminToken, probeId, both, 7);
      Map<String, Object> after = link(both);
      assertThat(after.get("url")).isEqualTo(urlB);
      assertThat(after.get("connected")).isEqualTo(true);
      assertThat(((Number) after.get("appliedChanges")).intValue()).isEqualTo(1);

      // A change made at the second reaches it.
      CliRun count =
          jlive(
              urlB,
              adminToken,
              "probe",
              "add",
              "--service",
              SERVICE,
              PRICER + "#quotes",
              "--count",
              "--json");
      assertOk(count);
      assertThat(states(count)).containsExactly("applied");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ((Number) link(both).get("appliedChanges")).intValue() == 2);

      // The negative control: the agent with one controller has nobody to report to.
      Map<String, Object> alone = link(firstOnly);
      assertThat(alone.get("url")).isEqualTo(urlA);
      assertThat(alone.get("connected")).isEqualTo(false);
      assertThat(String.valueOf(alone.get("lastError"))).contains("Connection refused");
      assertThat(((Number) alone.get("appliedChanges")).intValue()).isEqualTo(1);
    } finally {
      for (int i = running.size() - 1; i >= 0; i--) {
        running.get(i).close();
      }
    }
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
    Path file = FleetFixture.tempDir("failover-agent").resolve("token");
    Files.writeString(file, Json.parseObject(answer.body()).get("token") + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static Map<String, Object> link(TargetJvm jvm) throws Exception {
    Map<String, Object> info = AgentHttp.of(jvm.pid()).json("/v1/info");
    return (Map<String, Object>) ((Map<String, Object>) info.get("agent")).get("controller");
  }

  private static void awaitProcesses(String url, Path token, TargetJvm... expected) {
    List<Long> pids = new ArrayList<>();
    for (TargetJvm jvm : expected) {
      pids.add(jvm.pid());
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              CliRun run = jlive(url, token, "processes", SERVICE, "--json");
              assertOk(run);
              List<Long> live =
                  ((List<Map<String, Object>>) run.json().get("processes"))
                      .stream().map(process -> ((Number) process.get("pid")).longValue()).toList();
              assertThat(live).containsExactlyInAnyOrderElementsOf(pids);
            });
  }

  private static void awaitCalls(
      String url, Path token, String probeId, TargetJvm jvm, long calls) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              CliRun metrics =
                  jlive(url, token, "metrics", "--service", SERVICE, probeId, "--json");
              assertOk(metrics);
              long seen =
                  ((List<Map<String, Object>>) metrics.json().get("processes"))
                      .stream()
                          .filter(row -> ((Number) row.get("pid")).longValue() == jvm.pid())
                          .mapToLong(row -> ((Number) row.get("calls")).longValue())
                          .sum();
              assertThat(seen).isEqualTo(calls);
            });
  }

  private static CliRun jlive(String url, Path token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--controller", url, "--controller-token-file", token.toString()));
    return CliRun.jlive(all.toArray(String[]::new));
  }

  private static void assertOk(CliRun run) {
    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  private static String changeId(CliRun run) {
    return String.valueOf(((Map<String, Object>) run.json().get("change")).get("id"));
  }

  private static List<String> states(CliRun run) {
    return ((List<Map<String, Object>>) run.json().get("results"))
        .stream().map(process -> String.valueOf(process.get("state"))).toList();
  }
}

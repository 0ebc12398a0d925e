package dev.jlive.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.PatchTargetApp;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;

/**
 * Controller processes (the CLI's {@code controller start}) on a ZooKeeper the test owns, and
 * agents of one service joined to them: for the tests that kill a controller or take ZooKeeper
 * away. The controllers share the first one's admin token and signing key, as controllers of one
 * ensemble do. Closing stops the agents and controllers (last started first), then ZooKeeper.
 */
public final class ForkedControllers implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+) ");

  private final String service;
  private final TestingServer zooKeeper;
  private final Path zkAuth;
  private final Path keys;
  private final List<AutoCloseable> running = new ArrayList<>();
  private Path agentToken;
  private Duration sessionTimeout;

  private ForkedControllers(String service, TestingServer zooKeeper, Path zkAuth, Path keys) {
    this.service = service;
    this.zooKeeper = zooKeeper;
    this.zkAuth = zkAuth;
    this.keys = keys;
  }

  /** A fresh ZooKeeper with digest credentials for the controllers; no controller yet. */
  public static ForkedControllers on(String service) throws Exception {
    TestingServer zooKeeper = new TestingServer(true);
    Path zkAuth = FleetFixture.tempDir(service + "-zk").resolve("zk-auth");
    Files.writeString(zkAuth, "digest=jlive-controllers:" + UUID.randomUUID() + "\n");
    Files.setPosixFilePermissions(zkAuth, PosixFilePermissions.fromString("rw-------"));
    return new ForkedControllers(
        service, zooKeeper, zkAuth, FleetFixture.tempDir(service + "-keys"));
  }

  /**
   * Controllers started from now on hold ZooKeeper sessions of {@code timeout} instead of 15 s (a
   * test-only controller setting), so that once one is killed its session, and with it its
   * processes and rollout leadership, expires sooner. Only for tests that wait for that expiry (the
   * test ZooKeeper, ticks of 1 s, accepts 1 s to 20 s); not for one that takes ZooKeeper away for
   * longer than the session, which would then expire the live controllers' sessions too.
   */
  public ForkedControllers withSessionTimeout(Duration timeout) {
    this.sessionTimeout = timeout;
    return this;
  }

  public TestingServer zooKeeper() {
    return zooKeeper;
  }

  /** The admin token every controller here accepts. */
  public Path adminToken() {
    return keys.resolve("token");
  }

  /** Starts a controller process with its own data directory, on {@code port} (0: any). */
  public TargetJvm controller(int port) throws Exception {
    TargetJvm.Builder builder = TargetJvm.on(Jdk.JAVA_17);
    if (sessionTimeout != null) {
      builder.jvmArg("-Djlive.controller.zkSessionTimeoutMillis=" + sessionTimeout.toMillis());
    }
    TargetJvm controller =
        builder
            .jar(
                Artifacts.cliJar(),
                "controller",
                "start",
                "--zk",
                zooKeeper.getConnectString(),
                "--zk-auth",
                zkAuth.toString(),
                "--data-dir",
                FleetFixture.tempDir(service + "-controller").toString(),
                "--token-file",
                adminToken().toString(),
                "--signing-key",
                keys.resolve("signing-key").toString(),
                "--port",
                Integer.toString(port),
                "--heartbeat",
                "1s")
            .readyLine("jlive controller ")
            .start();
    running.add(controller);
    return controller;
  }

  /** The URL a controller process said it listens on. */
  public static String urlOf(TargetJvm controller) {
    String line =
        controller.stdout().stream()
            .filter(text -> text.startsWith("jlive controller "))
            .findFirst()
            .orElseThrow();
    Matcher matcher = LISTENING.matcher(line);
    assertThat(matcher.find()).as(line).isTrue();
    return matcher.group(1);
  }

  /**
   * A PatchTargetApp JVM of the service whose agent knows {@code controllers} ({@code URL1|URL2}),
   * with an agent@SERVICE token made through the first controller at the first call.
   */
  public TargetJvm agent(String controllers) throws Exception {
    if (agentToken == null) {
      agentToken = agentToken(controllers.split("\\|")[0]);
    }
    TargetJvm agent =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent(
                "controller="
                    + controllers
                    + ",service="
                    + service
                    + ",controllerTokenFile="
                    + agentToken
                    + ",quiet")
            .main(PatchTargetApp.class)
            .start();
    running.add(agent);
    return agent;
  }

  private Path agentToken(String url) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + FleetApi.USERS))
                    .timeout(Duration.ofSeconds(30))
                    .header(Api.AUTHORIZATION, Api.BEARER + Files.readString(adminToken()).trim())
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            Json.write(
                                Map.of(
                                    "name",
                                    "agent-" + service,
                                    "roles",
                                    List.of("agent@" + service)))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    Path file = FleetFixture.tempDir(service + "-agent").resolve("token");
    Files.writeString(file, Json.parseObject(answer.body()).get("token") + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** Runs {@code jlive ARGS} against the controller at {@code url} as the admin. */
  public CliRun jlive(String url, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--controller", url, "--controller-token-file", adminToken().toString()));
    return CliRun.jlive(all.toArray(String[]::new));
  }

  /** Waits until the controller at {@code url} lists exactly these JVMs as the service's. */
  @SuppressWarnings("unchecked")
  public void awaitProcesses(String url, TargetJvm... expected) {
    List<Long> pids = new ArrayList<>();
    for (TargetJvm jvm : expected) {
      pids.add(jvm.pid());
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              CliRun run = jlive(url, "processes", service, "--json");
              assertThat(run.exitCode()).as(run.toString()).isZero();
              List<Long> live =
                  ((List<Map<String, Object>>) run.json().get("processes"))
                      .stream().map(process -> ((Number) process.get("pid")).longValue()).toList();
              assertThat(live).containsExactlyInAnyOrderElementsOf(pids);
            });
  }

  @Override
  public void close() throws Exception {
    try {
      for (int i = running.size() - 1; i >= 0; i--) {
        running.get(i).close();
      }
    } finally {
      zooKeeper.close();
    }
  }
}

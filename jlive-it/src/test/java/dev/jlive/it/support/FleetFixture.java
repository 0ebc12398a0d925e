package dev.jlive.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.test.TestingServer;

/** A controller on a real ZooKeeper, and target JVMs whose agents join it, for the fleet tests. */
public final class FleetFixture implements AutoCloseable {
  private final Controller controller;
  private final Path tokenFile;
  private final List<TargetJvm> jvms = new ArrayList<>();
  private final Map<String, Path> agentTokenFiles = new ConcurrentHashMap<>();
  private final Map<String, Path> userTokenFiles = new ConcurrentHashMap<>();

  /** The ZooKeeper this fixture started for its controller alone, or null. */
  private TestingServer ownZooKeeper;

  private FleetFixture(Controller controller, Path tokenFile) {
    this.controller = controller;
    this.tokenFile = tokenFile;
  }

  /**
   * A controller on {@code zookeeper} with a one-second heartbeat, so leases and retries are quick,
   * whose default policy asks for no sign-off: the tests of everything but sign-off change their
   * services directly.
   */
  public static FleetFixture start(String zookeeper, Path dataDir) throws Exception {
    FleetFixture fleet = startWithBuiltInPolicy(zookeeper, dataDir);
    fleet.withoutSignOff();
    return fleet;
  }

  /** As {@link #start}, with the policy a new controller has: a patch needs one approval. */
  public static FleetFixture startWithBuiltInPolicy(String zookeeper, Path dataDir)
      throws Exception {
    Controller controller =
        Controller.start(
            ControllerConfig.defaults(dataDir)
                .withZooKeeper(zookeeper)
                .withHeartbeat(Duration.ofSeconds(1)));
    return new FleetFixture(controller, controller.tokenFile());
  }

  /**
   * As {@link #start}, on a ZooKeeper of its own (Curator's TestingServer) that {@link #close}
   * stops after the controller; the data folder is a new one named after {@code name}.
   */
  public static FleetFixture startOnOwnZooKeeper(String name) throws Exception {
    FleetFixture fleet = startWithBuiltInPolicyOnOwnZooKeeper(name);
    fleet.withoutSignOff();
    return fleet;
  }

  /** As {@link #startOnOwnZooKeeper}, with the policy a new controller has. */
  public static FleetFixture startWithBuiltInPolicyOnOwnZooKeeper(String name) throws Exception {
    TestingServer zooKeeper = new TestingServer(true);
    try {
      FleetFixture fleet = startWithBuiltInPolicy(zooKeeper.getConnectString(), tempDir(name));
      fleet.ownZooKeeper = zooKeeper;
      return fleet;
    } catch (Exception | Error e) {
      zooKeeper.close();
      throw e;
    }
  }

  /** Makes the controller's default policy ask for no approval of any change. */
  public void withoutSignOff() {
    CliRun run =
        jlive(
            "policy",
            "set",
            "--default",
            "--patch-approvals",
            "0",
            "--probe-approvals",
            "0",
            "--capture-approvals",
            "0");
    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  /**
   * Runs {@code jlive ARGS} as {@code user}: a user of that name (made once, with the approver's
   * role for every service, so it may propose and approve) whose own token the CLI sends.
   */
  public static CliRun as(String user, FleetFixture fleet, String... args) {
    Path token =
        fleet.userTokenFiles.computeIfAbsent(
            user,
            name ->
                writeToken(
                    addNamedUser(fleet.controller, HttpClient.newHttpClient(), name, "approver"),
                    "user-token-" + name));
    return fleet.jliveWith(token, args);
  }

  public String url() {
    return controller.url();
  }

  public Controller controller() {
    return controller;
  }

  /**
   * The agent options that make a JVM join {@code service}, with an agent credential for it (an
   * {@code agent@SERVICE} user, made once per service).
   */
  public String agentOptions(String service, String labels) {
    Path agentToken =
        agentTokenFiles.computeIfAbsent(service, name -> agentTokenFile(controller, name));
    return "controller="
        + url()
        + ",service="
        + service
        + (labels == null ? "" : ",labels=" + labels)
        + ",controllerTokenFile="
        + agentToken
        + ",quiet";
  }

  /**
   * Makes an {@code agent@SERVICE} user through the controller's API, as an admin would with {@code
   * jlive controller users add}, and writes its token to a file only the owner reads.
   */
  public static Path agentTokenFile(Controller controller, String service) {
    return agentTokenFile(controller, HttpClient.newHttpClient(), service);
  }

  /**
   * As {@link #agentTokenFile(Controller, String)}, through {@code client} (e.g. one that trusts a
   * test certificate).
   */
  public static Path agentTokenFile(Controller controller, HttpClient client, String service) {
    return writeToken(
        addUser(controller, client, "agent-" + service, "agent@" + service),
        "agent-token-" + service);
  }

  /** A token in a file only its owner reads, as the CLI and agents want it. */
  private static Path writeToken(String token, String prefix) {
    try {
      Path file = Artifacts.work().resolve(prefix + "-" + UUID.randomUUID());
      Files.writeString(file, token + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Makes a user (its name made unique) with {@code roles}; answers its token. */
  public static String addUser(Controller controller, String prefix, String... roles) {
    return addUser(controller, HttpClient.newHttpClient(), prefix, roles);
  }

  /** As {@link #addUser(Controller, String, String...)}, through {@code client}. */
  public static String addUser(
      Controller controller, HttpClient client, String prefix, String... roles) {
    return addNamedUser(
        controller, client, prefix + "-" + UUID.randomUUID().toString().substring(0, 8), roles);
  }

  /** Makes the user {@code name} with {@code roles}; answers its token. */
  @SuppressWarnings("unchecked")
  public static String addNamedUser(
      Controller controller, HttpClient client, String name, String... roles) {
    try {
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create(controller.url() + FleetApi.USERS))
                  .timeout(Duration.ofSeconds(30))
                  .header(Api.AUTHORIZATION, Api.BEARER + controller.token())
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Json.write(Map.of("name", name, "roles", List.of(roles)))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
      return (String) Json.parseObject(answer.body()).get("token");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A PatchTargetApp JVM (answers "price N") that joins {@code service}. */
  public TargetJvm join(String service, String labels) throws IOException {
    return join(service, labels, PatchTargetApp.class);
  }

  /**
   * A JVM running {@code main} (a test app that prints "ready" and reads commands) that joins
   * {@code service}.
   */
  public TargetJvm join(String service, String labels, Class<?> main) throws IOException {
    TargetJvm jvm =
        TargetJvm.on(Jdk.JAVA_17).javaagent(agentOptions(service, labels)).main(main).start();
    jvms.add(jvm);
    return jvm;
  }

  /** {@code count} JVMs running {@code main} that join {@code service}, started together. */
  public List<TargetJvm> joinAll(String service, Class<?> main, int count)
      throws IOException, InterruptedException {
    String[] noLabels = new String[count];
    return joinWithLabels(service, main, noLabels);
  }

  /**
   * JVMs running {@code main} that join {@code service}, one per entry of {@code labels} with those
   * labels (null: none), started together.
   */
  public List<TargetJvm> joinWithLabels(String service, Class<?> main, String... labels)
      throws IOException, InterruptedException {
    List<TargetJvm.Builder> builders = new ArrayList<>();
    for (String label : labels) {
      builders.add(TargetJvm.on(Jdk.JAVA_17).javaagent(agentOptions(service, label)).main(main));
    }
    List<TargetJvm> started = TargetJvm.startAll(builders);
    jvms.addAll(started);
    return started;
  }

  /**
   * Stops every JVM joined so far and keeps the controller: for a test class whose tests each join
   * JVMs of a service of their own, after each test. Left running, a test's JVMs would go on
   * polling the controller (and the load apps on taking traffic) through every later test of the
   * class, on a 2-core machine.
   */
  public void stopJoined() throws InterruptedException {
    for (TargetJvm jvm : jvms) {
      jvm.close();
    }
    jvms.clear();
  }

  /** Runs {@code jlive ARGS --controller URL --controller-token-file F} as the admin. */
  public CliRun jlive(String... args) {
    return jliveWith(tokenFile, args);
  }

  /** Runs {@code jlive ARGS --controller URL --controller-token-file TOKEN}. */
  public CliRun jliveWith(Path token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--controller");
    all.add(url());
    all.add("--controller-token-file");
    all.add(token.toString());
    return CliRun.jlive(all.toArray(String[]::new));
  }

  /** Waits until the service lists exactly these JVMs (by pid) as live processes. */
  @SuppressWarnings("unchecked")
  public void awaitProcesses(String service, TargetJvm... expected) {
    List<Long> pids = Arrays.stream(expected).map(TargetJvm::pid).sorted().toList();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              CliRun run = jlive("processes", service, "--json");
              assertThat(run.exitCode()).as(run.toString()).isZero();
              List<Long> live =
                  ((List<Map<String, Object>>) run.json().get("processes"))
                      .stream()
                          .map(process -> ((Number) process.get("pid")).longValue())
                          .sorted()
                          .toList();
              assertThat(live).isEqualTo(pids);
            });
  }

  public static Path tempDir(String name) throws IOException {
    return Files.createDirectories(Artifacts.work().resolve(name + "-" + System.nanoTime()));
  }

  @Override
  public void close() throws Exception {
    for (TargetJvm jvm : jvms) {
      jvm.close();
    }
    controller.close();
    if (ownZooKeeper != null) {
      ownZooKeeper.close();
    }
  }
}

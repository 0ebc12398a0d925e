package dev.jlive.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.it.apps.PatchTargetApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A controller on a real ZooKeeper, and target JVMs whose agents join it, for the fleet tests. */
public final class FleetFixture implements AutoCloseable {
  private final Controller controller;
  private final Path tokenFile;
  private final List<TargetJvm> jvms = new ArrayList<>();

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
   * Runs {@code jlive ARGS} as {@code user}: the CLI names the caller from {@code user.name}, and
   * tests run one at a time in this JVM.
   */
  public static synchronized CliRun as(String user, FleetFixture fleet, String... args) {
    String before = System.getProperty("user.name");
    System.setProperty("user.name", user);
    try {
      return fleet.jlive(args);
    } finally {
      System.setProperty("user.name", before);
    }
  }

  public String url() {
    return controller.url();
  }

  public Controller controller() {
    return controller;
  }

  /** The agent options that make a JVM join {@code service}. */
  public String agentOptions(String service, String labels) {
    return "controller="
        + url()
        + ",service="
        + service
        + (labels == null ? "" : ",labels=" + labels)
        + ",controllerTokenFile="
        + tokenFile
        + ",quiet";
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

  /** Runs {@code jlive ARGS --controller URL --controller-token-file F}. */
  public CliRun jlive(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--controller");
    all.add(url());
    all.add("--controller-token-file");
    all.add(tokenFile.toString());
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
  }
}

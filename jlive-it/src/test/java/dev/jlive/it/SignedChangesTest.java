package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeSignature;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed changes with real agents, a real controller and a real ZooKeeper: what the controller
 * signed runs; a change written straight into ZooKeeper (as by anyone with write access to it),
 * unsigned or signed with another key, is refused by every agent given the controller's key and
 * reported so, and nothing of it runs. The negative control: an agent without the key runs the very
 * same write. And an agent with {@code localChanges=deny} refuses local changes through the CLI
 * while the controller's still apply.
 */
@SuppressWarnings("unchecked")
class SignedChangesTest {
  private static final String PRICER = Pricer.class.getName();
  private static TestingServer zooKeeper;
  private static FleetFixture fleet;
  private static Path controllerKey;
  private static final List<TargetJvm> JVMS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    zooKeeper = new TestingServer(true);
    fleet = FleetFixture.start(zooKeeper.getConnectString(), FleetFixture.tempDir("signing"));
    controllerKey = FleetFixture.tempDir("signing-agents").resolve("controller.pub");
    // As an operator would: the public key of the controller's key file, for the agents.
    CliRun key =
        CliRun.jlive(
            "controller",
            "key",
            "--signing-key",
            fleet.controller().signer().file().toString(),
            "--out",
            controllerKey.toString());
    assertThat(key.exitCode()).as(key.toString()).isZero();
    assertThat(Files.readString(controllerKey))
        .startsWith("-----BEGIN PUBLIC KEY-----")
        .isEqualTo(fleet.controller().signer().publicKeyPem());
  }

  @AfterAll
  static void stop() throws Exception {
    for (TargetJvm jvm : JVMS) {
      jvm.close();
    }
    fleet.close();
    zooKeeper.close();
  }

  /** Each test's JVMs are of a service of its own: none is needed once the test ends. */
  @AfterEach
  void stopThisTestsJvms() throws InterruptedException {
    for (TargetJvm jvm : JVMS) {
      jvm.close();
    }
    JVMS.clear();
  }

  @Test
  void whatTheControllerSignedRunsAndAChangeWrittenIntoZooKeeperRunsNowhere() throws Exception {
    TargetJvm a = join("signed", ",controllerKey=" + controllerKey);
    // Ed25519 from the target's own JDK, on both Java versions agents must work on.
    TargetJvm b = join("signed", ",controllerKey=" + controllerKey, Jdk.JAVA_25);
    fleet.awaitProcesses("signed", a, b);
    Map<String, Object> link = link(a);
    assertThat(link).containsEntry("verifiesChanges", true);
    assertThat(
            (List<Map<String, Object>>)
                fleet.jlive("processes", "signed", "--json").json().get("processes"))
        .extracting(process -> process.get("verifiesChanges"))
        .containsExactly(true, true);

    CliRun patch =
        fleet.jlive(
            "patch",
            "--service",
            "signed",
            ServiceTest.source("return quantity * 10;", "return quantity * 11;").toString(),
            "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(ServiceTest.states(patch)).containsOnly("applied").hasSize(2);
    for (TargetJvm jvm : List.of(a, b)) {
      assertThat(jvm.ask("price 2", "price")).startsWith("price 22 ");
    }

    // An attacker with write access to ZooKeeper: a patch with no signature, and a probe signed
    // with a key of their own, both of valid shape and made desired.
    Change unsigned = forged(900, "signed", patchSpec("return quantity * 13;"), ChangeKind.PATCH);
    Change otherKey =
        forged(901, "signed", probeSpec(), ChangeKind.PROBE)
            .signed(
                ChangeSignature.sign(
                    KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate(),
                    forged(901, "signed", probeSpec(), ChangeKind.PROBE)));
    writeIntoZooKeeper("signed", unsigned, otherKey);

    awaitReported("signed", "c900", "signature missing");
    awaitReported(
        "signed", "c901", "signature does not verify with the controller key in " + controllerKey);
    for (TargetJvm jvm : List.of(a, b)) {
      assertThat(jvm.ask("price 2", "price")).startsWith("price 22 ");
      List<Map<String, Object>> ledger =
          (List<Map<String, Object>>) AgentHttp.of(jvm.pid()).json("/v1/changes").get("changes");
      assertThat(ledger).as("only the controller's patch ran").hasSize(1);
      assertThat((List<?>) AgentHttp.of(jvm.pid()).json("/v1/probes").get("probes")).isEmpty();
    }
    // The service's listing shows each refusal, for each process.
    CliRun status = fleet.jlive("processes", "signed", "--json");
    assertThat(status.stdout()).contains("signature missing").contains("does not verify");
  }

  @Test
  void withoutTheControllerKeyTheSameWriteRuns() throws Exception {
    TargetJvm open = join("unverified", "");
    fleet.awaitProcesses("unverified", open);
    assertThat(link(open)).containsEntry("verifiesChanges", false);
    // The controller's listing shows which processes run changes unverified.
    assertThat(fleet.jlive("processes", "unverified").stdout()).contains(" unverified");
    assertThat(open.ask("price 2", "price")).startsWith("price 20 ");

    writeIntoZooKeeper(
        "unverified",
        forged(900, "unverified", patchSpec("return quantity * 13;"), ChangeKind.PATCH));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(open.ask("price 2", "price")).startsWith("price 26 "));
  }

  @Test
  void anAgentThatDeniesLocalChangesTakesThemOnlyFromItsController() throws Exception {
    TargetJvm locked = join("locked", ",controllerKey=" + controllerKey + ",localChanges=deny");
    fleet.awaitProcesses("locked", locked);
    String pid = Long.toString(locked.pid());

    CliRun probe = CliRun.jlive("probe", "add", pid, PRICER + "#price", "--count");
    assertThat(probe.exitCode()).as(probe.toString()).isNotZero();
    assertThat(probe.stderr())
        .contains("this agent takes changes only from its controller URL; ask there")
        .contains("jlive probe add --service locked");
    Path source = ServiceTest.source("return quantity * 10;", "return quantity * 15;");
    CliRun patch = CliRun.jlive("patch", pid, source.toString());
    assertThat(patch.exitCode()).as(patch.toString()).isNotZero();
    assertThat(patch.stderr()).contains("takes changes only from its controller");
    assertThat(locked.ask("price 2", "price")).startsWith("price 20 ");

    CliRun info = CliRun.jlive("info", pid);
    assertThat(info.stdout())
        .contains("service locked, runs only changes it signed (key " + controllerKey + ")")
        .contains("local changes denied");
    // Reading works as before.
    for (String[] read :
        List.of(
            new String[] {"info", pid},
            new String[] {"threads", pid},
            new String[] {"classes", pid, PRICER},
            new String[] {"probe", "list", pid},
            new String[] {"changes", pid})) {
      CliRun run = CliRun.jlive(read);
      assertThat(run.exitCode()).as(String.join(" ", read) + ": " + run).isZero();
    }

    // The controller's change applies; taking it back locally is refused too.
    CliRun fleetPatch = fleet.jlive("patch", "--service", "locked", source.toString(), "--json");
    assertThat(fleetPatch.exitCode()).as(fleetPatch.toString()).isZero();
    assertThat(locked.ask("price 2", "price")).startsWith("price 30 ");
    String localId =
        String.valueOf(
            ((List<Map<String, Object>>)
                    AgentHttp.of(locked.pid()).json("/v1/changes").get("changes"))
                .get(0)
                .get("id"));
    CliRun revert = CliRun.jlive("revert", pid, localId);
    assertThat(revert.exitCode()).as(revert.toString()).isNotZero();
    assertThat(revert.stderr()).contains("takes changes only from its controller");
    CliRun detach = CliRun.jlive("detach", pid);
    assertThat(detach.exitCode()).as(detach.toString()).isNotZero();
    assertThat(locked.ask("price 2", "price")).startsWith("price 30 ");
  }

  private static TargetJvm join(String service, String extraOptions) throws Exception {
    return join(service, extraOptions, Jdk.JAVA_17);
  }

  private static TargetJvm join(String service, String extraOptions, Jdk jdk) throws Exception {
    TargetJvm jvm =
        TargetJvm.on(jdk)
            .javaagent(fleet.agentOptions(service, null) + extraOptions)
            .main(PatchTargetApp.class)
            .start();
    JVMS.add(jvm);
    return jvm;
  }

  private static Map<String, Object> link(TargetJvm jvm) throws Exception {
    return (Map<String, Object>)
        ((Map<String, Object>) AgentHttp.of(jvm.pid()).json("/v1/info").get("agent"))
            .get("controller");
  }

  private static Map<String, Object> patchSpec(String body) throws Exception {
    String code =
        Files.readString(ServiceTest.source("return quantity * 10;", body), StandardCharsets.UTF_8);
    return PatchRequest.ofSources(List.of(new PatchRequest.Source("Pricer.java", code)))
        .build()
        .toJson();
  }

  private static Map<String, Object> probeSpec() {
    return ProbeSpec.builder(PRICER + "#price", ProbeSpec.Kind.COUNT).build().toJson();
  }

  /** A change of valid shape, as the controller would store it, under a forged author. */
  private static Change forged(
      long number, String service, Map<String, Object> spec, ChangeKind kind) {
    return Change.create(
        number,
        service,
        kind,
        "forged",
        spec,
        Map.of(),
        "alice",
        Instant.now().toString(),
        List.of());
  }

  /**
   * Writes the changes' nodes and adds them to the service's desired list, straight into ZooKeeper,
   * past every controller.
   */
  private static void writeIntoZooKeeper(String service, Change... changes) throws Exception {
    try (CuratorFramework client =
        CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(), new RetryOneTime(200))) {
      client.start();
      client.blockUntilConnected();
      String root = "/jlive/services/" + service;
      Map<String, Object> desired =
          Json.parseObject(
              new String(client.getData().forPath(root + "/desired"), StandardCharsets.UTF_8));
      List<Object> active = new ArrayList<>((List<?>) desired.get("active"));
      for (Change change : changes) {
        client
            .create()
            .forPath(
                root + "/changes/" + change.id(),
                Json.write(change.toJson()).getBytes(StandardCharsets.UTF_8));
        active.add(change.id());
      }
      client
          .setData()
          .forPath(
              root + "/desired",
              Json.write(Map.of("active", active)).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Waits until every live process of the service reports the change failed with {@code why}. */
  private static void awaitReported(String service, String id, String why) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              CliRun run = fleet.jlive("processes", service, "--json");
              List<Map<String, Object>> processes =
                  (List<Map<String, Object>>) run.json().get("processes");
              assertThat(processes).hasSize(2);
              for (Map<String, Object> process : processes) {
                Map<String, Object> report =
                    (Map<String, Object>) ((Map<String, Object>) process.get("changes")).get(id);
                assertThat(report).as(run.stdout()).isNotNull();
                assertThat(report).containsEntry("state", "failed");
                assertThat(String.valueOf(report.get("message"))).contains(why);
              }
            });
  }
}

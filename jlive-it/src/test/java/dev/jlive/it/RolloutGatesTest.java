package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.CartTrafficApp;
import dev.jlive.it.apps.FleetApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.TargetJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's health gates on real JVMs under load, a real controller and a real ZooKeeper: a patch
 * that throws on some carts is caught at the canary by the built-in errors gate and reverted where
 * it went, the other processes never see it; a patch that sleeps is caught by the latency gate; too
 * little traffic keeps a gate waiting, and traffic then lets it pass; a gate that does not parse is
 * refused by the CLI before anything is sent.
 */
@SuppressWarnings("unchecked")
class RolloutGatesTest {
  private static FleetFixture fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = FleetFixture.startOnOwnZooKeeper("controller");
  }

  @AfterAll
  static void stop() throws Exception {
    fleet.close();
  }

  /** Each test's JVMs are of a service of its own: none is needed once the test ends. */
  @AfterEach
  void stopThisTestsJvms() throws InterruptedException {
    fleet.stopJoined();
  }

  @Test
  void aPatchThatThrowsOnSomeCartsIsCaughtAtTheCanaryAndRevertedWhereItWent() throws Exception {
    List<TargetJvm> jvms = service("throwing", CartTrafficApp.class);
    // Carts of 7 items or more (3 in 10 of the traffic) now throw; the others cost 11 a piece.
    String id =
        rollOut(
            "throwing",
            "if (quantity >= 7) { throw new IllegalStateException(\"cart of \" + quantity); }"
                + " return quantity * 11;");

    Map<String, Object> done = awaitEnded("throwing", id);

    assertThat(done.get("status")).as("%s", done).isEqualTo("rolled_back");
    // Decided at the canary: one wave, one process.
    List<Map<String, Object>> waves = (List<Map<String, Object>>) done.get("waves");
    assertThat(waves).hasSize(1);
    assertThat((List<?>) waves.get(0).get("processes")).hasSize(1);
    Map<String, Object> errors = failedGate(done, "errors <= 2 * control + 0.02");
    // The evidence: about 30% at the canary, none at control.
    assertThat(((Number) errors.get("canary")).doubleValue()).isBetween(0.2, 0.4);
    assertThat(((Number) errors.get("control")).doubleValue()).isZero();
    assertThat((String) errors.get("explanation"))
        .matches(
            "errors \\d+(\\.\\d+)?% > 2 × control 0% \\+ 2% = 2% over [\\d,]+ canary and [\\d,]+ control calls");

    // Reverted on the canary; the other processes never had it.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (TargetJvm jvm : jvms) {
                assertThat(jvm.ask("price 8", "price")).isEqualTo("price 80");
              }
            });
    assertThat(patchStates(jvms))
        .containsExactlyInAnyOrder(List.of("reverted"), List.of(), List.of());
  }

  @Test
  void aPatchThatSleepsIsCaughtByTheLatencyGate() throws Exception {
    List<TargetJvm> jvms = service("sleeping", CartTrafficApp.class);
    String id =
        rollOut(
            "sleeping",
            "try { Thread.sleep(25); } catch (InterruptedException e) {"
                + " Thread.currentThread().interrupt(); } return quantity * 11;");

    Map<String, Object> done = awaitEnded("sleeping", id);

    assertThat(done.get("status")).as("%s", done).isEqualTo("rolled_back");
    Map<String, Object> latency = failedGate(done, "p90 <= 2 * control + 5ms");
    assertThat(((Number) latency.get("canary")).doubleValue()).isGreaterThanOrEqualTo(25.0);
    assertThat((String) latency.get("explanation"))
        .startsWith("p90 ")
        .contains(" ms > 2 × control ");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(patchStates(jvms))
                    .containsExactlyInAnyOrder(List.of("reverted"), List.of(), List.of()));
  }

  @Test
  void tooLittleTrafficKeepsTheGateWaitingUntilTrafficComes() throws Exception {
    // FleetApp prices only when asked: no traffic of its own.
    List<TargetJvm> jvms = fleet.joinAll("quiet", FleetApp.class, 2);
    fleet.awaitProcesses("quiet", jvms.toArray(TargetJvm[]::new));
    CliRun patch =
        fleet.jlive(
            "patch",
            "--service",
            "quiet",
            ServiceTest.source("return quantity * 10;", "return quantity * 12;").toString(),
            "--rollout",
            "1,100%",
            "--bake",
            "1s",
            "--min-calls",
            "20",
            "--gate",
            "errors <= 2 * control + 0.02",
            "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    String id = ServiceTest.changeId(patch);

    Map<String, Object> waiting =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> rollout("quiet", id),
                rollout ->
                    rollout.get("verdict") instanceof Map<?, ?> verdict
                        && "waiting".equals(verdict.get("outcome")));
    Map<String, Object> result = results(waiting).get(0);
    assertThat((String) result.get("explanation"))
        .startsWith("waiting for traffic: ")
        .contains(" of 20 canary calls and ")
        .endsWith(" of 20 control calls");
    // Judged again every second and never passed while there is no traffic.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Map<String, Object> rollout = rollout("quiet", id);
              assertThat(rollout.get("status")).isEqualTo("running");
              assertThat((List<?>) rollout.get("waves")).hasSize(1);
              assertThat(decisions(rollout)).doesNotContain("passed", "failed");
            });

    // The negative control: the same rollout with traffic passes.
    for (int call = 0; call < 30; call++) {
      for (TargetJvm jvm : jvms) {
        jvm.ask("price 1", "price");
      }
    }
    Map<String, Object> done = awaitEnded("quiet", id);
    assertThat(done.get("status")).as("%s", done).isEqualTo("completed");
    assertThat(decisions(done)).contains("passed");
  }

  @Test
  void aGateThatDoesNotParseIsRefusedBeforeAnythingIsSent() throws Exception {
    TargetJvm only = fleet.join("refused", null, FleetApp.class);
    fleet.awaitProcesses("refused", only);
    CliRun refused =
        fleet.jlive(
            "patch",
            "--service",
            "refused",
            ServiceTest.source("return quantity * 10;", "return quantity * 12;").toString(),
            "--rollout",
            "1,100%",
            "--gate",
            "p99 <= 1.2 * contrl + 2ms");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains(
            "gate 'p99 <= 1.2 * contrl + 2ms': unknown metric 'contrl' (did you mean 'control'?)"
                + " at character 14");
    CliRun changes = fleet.jlive("changes", "--service", "refused", "--json");
    assertThat((List<?>) changes.json().get("changes")).isEmpty();

    // A probe rollout has no automatic probe: the controller refuses a bare metric.
    CliRun bare =
        fleet.jlive(
            "probe",
            "add",
            "--service",
            "refused",
            "dev.jlive.it.apps.Pricer#price",
            "--metrics",
            "--rollout",
            "1,100%",
            "--gate",
            "p99 <= 50ms");
    assertThat(bare.exitCode()).as(bare.toString()).isNotZero();
    assertThat(bare.stderr()).contains("reads a bare metric").contains("probe:c7.p99");
    assertThat(
            (List<?>)
                fleet.jlive("changes", "--service", "refused", "--json").json().get("changes"))
        .isEmpty();
  }

  private static List<TargetJvm> service(String name, Class<?> main) throws Exception {
    List<TargetJvm> jvms = fleet.joinAll(name, main, 3);
    fleet.awaitProcesses(name, jvms.toArray(TargetJvm[]::new));
    return jvms;
  }

  /** Rolls out Pricer.price with a new body, canary first, under the built-in gates. */
  private static String rollOut(String service, String body) throws Exception {
    CliRun patch =
        fleet.jlive(
            "patch",
            "--service",
            service,
            ServiceTest.source("return quantity * 10;", body).toString(),
            "--rollout",
            "1,100%",
            "--bake",
            "3s",
            "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    return ServiceTest.changeId(patch);
  }

  /** Each process's patch entries in its own ledger, by state (the metrics probe left out). */
  private static List<List<Object>> patchStates(List<TargetJvm> jvms) throws Exception {
    List<List<Object>> states = new ArrayList<>();
    for (TargetJvm jvm : jvms) {
      List<Map<String, Object>> ledger =
          (List<Map<String, Object>>) AgentHttp.of(jvm.pid()).json("/v1/changes").get("changes");
      states.add(
          ledger.stream()
              .filter(entry -> "patch".equals(entry.get("kind")))
              .map(entry -> entry.get("state"))
              .toList());
    }
    return states;
  }

  private static Map<String, Object> failedGate(Map<String, Object> rollout, String gate) {
    Map<String, Object> result =
        results(rollout).stream()
            .filter(r -> gate.equals(r.get("gate")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no result of " + gate + " in " + rollout));
    assertThat(result.get("outcome")).as("%s", result).isEqualTo("fail");
    assertThat(decisions(rollout)).containsExactly("started", "reached", "failed");
    return result;
  }

  private static List<Map<String, Object>> results(Map<String, Object> rollout) {
    return (List<Map<String, Object>>)
        ((Map<String, Object>) rollout.get("verdict")).get("results");
  }

  private static List<Object> decisions(Map<String, Object> rollout) {
    return ((List<Map<String, Object>>) rollout.get("history"))
        .stream().map(decision -> decision.get("decision")).toList();
  }

  private static Map<String, Object> rollout(String service, String id) {
    CliRun run = fleet.jlive("rollout", "status", service, id, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return (Map<String, Object>) run.json().get("rollout");
  }

  private static Map<String, Object> awaitEnded(String service, String id) {
    return await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> rollout(service, id),
            rollout ->
                List.of("completed", "rolled_back", "aborted").contains(rollout.get("status")));
  }
}

package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.ForkedControllers;
import dev.jlive.it.support.TargetJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

  /**
   * The controllers' ZooKeeper session (15 s otherwise): the test waits for the killed one's to
   * expire, and 8 s is still well over Curator's pings (a third of it) on a busy host.
   */
  private static final Duration SESSION = Duration.ofSeconds(8);

  @Test
  void anAgentWithTwoControllersKeepsItsProbeAndReportsToTheSecondWhenTheFirstIsKilled()
      throws Exception {
    try (ForkedControllers fleet = ForkedControllers.on(SERVICE).withSessionTimeout(SESSION)) {
      TargetJvm controllerA = fleet.controller(0);
      String urlA = ForkedControllers.urlOf(controllerA);
      TargetJvm controllerB = fleet.controller(0);
      String urlB = ForkedControllers.urlOf(controllerB);
      assertOk(
          fleet.jlive(
              urlA,
              "policy",
              "set",
              "--default",
              "--patch-approvals",
              "0",
              "--probe-approvals",
              "0",
              "--capture-approvals",
              "0"));
      TargetJvm both = fleet.agent(urlA + "|" + urlB);
      TargetJvm firstOnly = fleet.agent(urlA);
      fleet.awaitProcesses(urlB, both, firstOnly);

      CliRun probe =
          fleet.jlive(
              urlA, "probe", "add", "--service", SERVICE, PRICER + "#price", "--metrics", "--json");
      assertOk(probe);
      String probeId = changeId(probe);
      for (int i = 0; i < 3; i++) {
        assertThat(both.ask("price 2", "price")).startsWith("price 20 ");
      }
      awaitCalls(fleet, urlA, probeId, both, 3);
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
      fleet.awaitProcesses(urlB, both);
      awaitCalls(fleet, urlB, probeId, both, 7);
      Map<String, Object> after = link(both);
      assertThat(after.get("url")).isEqualTo(urlB);
      assertThat(after.get("connected")).isEqualTo(true);
      assertThat(((Number) after.get("appliedChanges")).intValue()).isEqualTo(1);

      // A change made at the second reaches it.
      CliRun count =
          fleet.jlive(
              urlB, "probe", "add", "--service", SERVICE, PRICER + "#quotes", "--count", "--json");
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
    }
  }

  private static Map<String, Object> link(TargetJvm jvm) throws Exception {
    Map<String, Object> info = AgentHttp.of(jvm.pid()).json("/v1/info");
    return (Map<String, Object>) ((Map<String, Object>) info.get("agent")).get("controller");
  }

  private static void awaitCalls(
      ForkedControllers fleet, String url, String probeId, TargetJvm jvm, long calls) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              CliRun metrics = fleet.jlive(url, "metrics", "--service", SERVICE, probeId, "--json");
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

package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.ForkedControllers;
import dev.jlive.it.support.RolloutHistory;
import dev.jlive.it.support.TargetJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

  /**
   * The controllers' ZooKeeper session (15 s otherwise): the test waits for the killed one's to
   * expire, and 8 s is still well over Curator's pings (a third of it) on a busy host.
   */
  private static final Duration SESSION = Duration.ofSeconds(8);

  @Test
  void theOtherControllerFinishesTheRolloutWhenTheDrivingOneIsKilledMidBake() throws Exception {
    try (ForkedControllers fleet = ForkedControllers.on(SERVICE).withSessionTimeout(SESSION)) {
      TargetJvm controllerA = fleet.controller(0);
      TargetJvm controllerB = fleet.controller(0);
      String urlA = ForkedControllers.urlOf(controllerA);
      String urlB = ForkedControllers.urlOf(controllerB);
      Map<String, TargetJvm> byUrl = Map.of(urlA, controllerA, urlB, controllerB);
      List<TargetJvm> agents = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        agents.add(fleet.agent(urlA + "|" + urlB));
      }
      fleet.awaitProcesses(urlB, agents.toArray(TargetJvm[]::new));

      CliRun probe =
          fleet.jlive(
              urlA,
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
                  () -> rollout(fleet, urlB, id),
                  rollout ->
                      rollout != null
                          && ((List<?>) rollout.get("waves")).size() == 2
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
                  () -> rollout(fleet, survivor, id),
                  rollout -> rollout != null && "completed".equals(rollout.get("status")));
      assertThat(done.get("driver")).isNotEqualTo(driver);
      List<Map<String, Object>> history = (List<Map<String, Object>>) done.get("history");
      RolloutHistory.assertEachWaveReachedAndPassed(history, 3);
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
                CliRun status = fleet.jlive(survivor, "rollout", "status", SERVICE, id, "--json");
                assertThat(status.exitCode()).as(status.toString()).isZero();
                assertThat((List<Map<String, Object>>) status.json().get("waveStates"))
                    .containsExactly(
                        Map.of("applied", 1L), Map.of("applied", 1L), Map.of("applied", 1L));
              });
    }
  }

  /**
   * The rollout as that controller reads it, or null while its ZooKeeper connection is suspended
   * (exit 8, STORE_UNAVAILABLE): on a loaded machine a session can lapse for a moment, and the CLI
   * then says so instead of answering from a stale view; the poll asks again.
   */
  private static Map<String, Object> rollout(ForkedControllers fleet, String url, String id) {
    CliRun run = fleet.jlive(url, "rollout", "status", SERVICE, id, "--json");
    if (run.exitCode() == 8 && run.toString().contains("STORE_UNAVAILABLE")) {
      return null;
    }
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return (Map<String, Object>) run.json().get("rollout");
  }
}

package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.ForkedControllers;
import dev.jlive.it.support.RolloutHistory;
import dev.jlive.it.support.TargetJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, "ZooKeeper loss mid-rollout pauses the rollout, never half-reports": a controller
 * process drives a rollout on a ZooKeeper the test owns; mid-bake the test stops ZooKeeper. The
 * rollout's status then shows the last known state and says it waits for ZooKeeper, and for longer
 * than the bake nothing is decided (no wave passed, none reached). ZooKeeper comes back: the
 * rollout carries on and completes with one "reached" and one "passed" per wave.
 */
@SuppressWarnings("unchecked")
class RolloutZooKeeperLossTest {
  private static final String SERVICE = "zkloss";

  @Test
  void aRolloutWaitsForZooKeeperWhileItIsAwayAndCarriesOnWhenItIsBack() throws Exception {
    try (ForkedControllers fleet = ForkedControllers.on(SERVICE)) {
      String url = ForkedControllers.urlOf(fleet.controller(0));
      TargetJvm a = fleet.agent(url);
      TargetJvm b = fleet.agent(url);
      fleet.awaitProcesses(url, a, b);
      CliRun probe =
          fleet.jlive(
              url,
              "probe",
              "add",
              "--service",
              SERVICE,
              Pricer.class.getName() + "#price",
              "--count",
              "--rollout",
              "1,100%",
              "--bake",
              "3s",
              "--json");
      assertThat(probe.exitCode()).as(probe.toString()).isZero();
      String id = String.valueOf(((Map<String, Object>) probe.json().get("change")).get("id"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> status(fleet, url, id),
              status ->
                  "baking".equals(rollout(status).get("step"))
                      && ((List<?>) rollout(status).get("waves")).size() == 1);

      fleet.zooKeeper().stop();
      Map<String, Object> away =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> status(fleet, url, id), status -> status.get("waitingFor") != null);
      assertThat(String.valueOf(away.get("waitingFor"))).contains("ZooKeeper");
      List<?> historyWhenAway = (List<?>) rollout(away).get("history");
      // Twice the bake with ZooKeeper away: still the first wave, baking, no new decision.
      await()
          .during(Duration.ofSeconds(6))
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> status(fleet, url, id),
              status ->
                  status.get("waitingFor") != null
                      && Objects.equals(rollout(status).get("history"), historyWhenAway)
                      && ((List<?>) rollout(status).get("waves")).size() == 1);
      CliRun text = fleet.jlive(url, "rollout", "status", SERVICE, id);
      assertThat(text.stdout()).contains("waiting for ZooKeeper");

      fleet.zooKeeper().restart();
      Map<String, Object> done =
          await()
              .atMost(Duration.ofSeconds(120))
              .until(
                  () -> status(fleet, url, id),
                  status -> "completed".equals(rollout(status).get("status")));
      assertThat(done.get("waitingFor")).isNull();
      List<Map<String, Object>> history = (List<Map<String, Object>>) rollout(done).get("history");
      RolloutHistory.assertEachWaveReachedAndPassed(history, 2);
    }
  }

  /** The rollout's status; while ZooKeeper is away an answer may also be refused: null then. */
  private static Map<String, Object> status(ForkedControllers fleet, String url, String id) {
    CliRun run = fleet.jlive(url, "rollout", "status", SERVICE, id, "--json");
    return run.exitCode() == 0 ? run.json() : Map.of("refused", run.stderr());
  }

  private static Map<String, Object> rollout(Map<String, Object> status) {
    Object rollout = status.get("rollout");
    return rollout == null ? Map.of() : (Map<String, Object>) rollout;
  }
}

package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.apps.LoadedPricerApp;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.SafepointApp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.RolloutHistory;
import dev.jlive.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Staged rollouts on real JVMs, a real controller and a real ZooKeeper, through the CLI: a change
 * reaches only the processes of the waves reached, late joiners stay on the old code until the
 * rollout completes, pause holds it, promote cuts a bake short, abort reverts it wherever it went,
 * and a plan the service cannot meet is refused before anything is stored.
 */
@SuppressWarnings("unchecked")
class RolloutTest {
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
  void wavesReachOnlyTheirProcessesAndLateJoinersWaitForTheLastWave() throws Exception {
    List<TargetJvm> jvms = new ArrayList<>(joinAll("waves", 3, PatchTargetApp.class));
    Path patched = ServiceTest.source("return quantity * 10;", "return quantity * 12;");
    // A bake of an hour: only promote moves the rollout on, so every state can be looked at.
    String id = rollOut("waves", patched.toString(), "--rollout", "1,100%", "--bake", "1h");

    Map<String, Object> baking = awaitRollout("waves", id, "running", 1, "baking");
    assertThat(waveProcesses(baking, 0)).hasSize(1);
    assertThat(newCode(jvms)).isEqualTo(1);

    // Joins mid-rollout: stays on the old code.
    TargetJvm late = fleet.join("waves", null);
    jvms.add(late);
    fleet.awaitProcesses("waves", jvms.toArray(TargetJvm[]::new));
    assertThat(fleet.jlive("processes", "waves").exitCode()).isZero();
    assertThat(late.ask("price 1", "price")).startsWith("price 10 ");

    // Paused: promote is recorded, but nothing moves until resumed.
    assertThat(fleet.jlive("rollout", "pause", "waves", id).exitCode()).isZero();
    assertThat(rollout("waves", id).get("status")).isEqualTo("paused");
    assertThat(fleet.jlive("rollout", "promote", "waves", id).exitCode()).isZero();
    assertThat(rollout("waves", id).get("status")).isEqualTo("paused");
    assertThat(newCode(jvms)).isEqualTo(1);
    assertThat(fleet.jlive("rollout", "resume", "waves", id).exitCode()).isZero();

    Map<String, Object> last = awaitRollout("waves", id, "running", 2, "baking");
    // The last wave takes every matching process, the late joiner too.
    assertThat(waveProcesses(last, 1)).hasSize(3);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(newCode(jvms)).isEqualTo(4));
    CliRun promote = fleet.jlive("rollout", "promote", "waves", id);
    assertThat(promote.exitCode()).as(promote.toString()).isZero();
    Map<String, Object> done = awaitRollout("waves", id, "completed", 2, null);
    List<Map<String, Object>> history = (List<Map<String, Object>>) done.get("history");
    for (int wave = 1; wave <= 2; wave++) {
      int number = wave;
      assertThat(history)
          .as("history %s", history)
          .filteredOn(d -> ((Number) d.get("wave")).intValue() == number)
          .extracting(d -> d.get("decision"))
          .containsOnlyOnce("reached", "promoted")
          .doesNotContain("passed", "failed");
    }

    // Once complete it is an ordinary change: a process that joins now gets it.
    TargetJvm after = fleet.join("waves", null);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(after.ask("price 1", "price")).startsWith("price 12 "));

    CliRun status = fleet.jlive("rollout", "status", "waves", id);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.stdout()).contains("completed").contains("promoted");
    CliRun list = fleet.jlive("rollout", "list", "--service", "waves");
    assertThat(list.stdout()).contains(id).contains("completed");
  }

  @Test
  void aGoodPatchPassesEveryWaveOnItsOwn() throws Exception {
    List<TargetJvm> jvms = joinAll("good", 3, LoadedPricerApp.class);
    String id =
        rollOut(
            "good",
            ServiceTest.source("return quantity * 10;", "return quantity * 13;").toString(),
            "--rollout",
            "1,2,100%",
            "--bake",
            "1s");
    Map<String, Object> done = awaitRollout("good", id, "completed", 3, null);
    List<Map<String, Object>> waves = (List<Map<String, Object>>) done.get("waves");
    assertThat(waves)
        .extracting(wave -> ((List<?>) wave.get("processes")).size())
        .containsExactly(1, 1, 1);
    List<Map<String, Object>> history = (List<Map<String, Object>>) done.get("history");
    RolloutHistory.assertEachWaveReachedAndPassed(history, 3);
    assertThat(newCode(jvms, "price 13 ")).isEqualTo(3);
  }

  @Test
  void aPatchThatThrowsIsCaughtAtTheCanaryAndRevertedWhereItWent() throws Exception {
    List<TargetJvm> jvms = joinAll("bad", 3, LoadedPricerApp.class);
    String id =
        rollOut(
            "bad",
            ServiceTest.source(
                    "return quantity * 10;",
                    "if (quantity == 1) { throw new IllegalStateException(\"bad cart\"); }"
                        + " return quantity * 10;")
                .toString(),
            "--rollout",
            "1,100%",
            "--bake",
            "2s");
    Map<String, Object> ended =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> rollout("bad", id), rollout -> "rolled_back".equals(rollout.get("status")));
    // Caught at the first wave: the others never got it.
    assertThat((List<?>) ended.get("waves")).hasSize(1);
    List<Map<String, Object>> history = (List<Map<String, Object>>) ended.get("history");
    Map<String, Object> failed =
        history.stream().filter(d -> "failed".equals(d.get("decision"))).findFirst().orElseThrow();
    Map<String, Object> verdict = (Map<String, Object>) failed.get("verdict");
    assertThat(verdict.get("outcome")).isEqualTo("fail");
    assertThat(String.valueOf(verdict.get("results"))).contains("errors");
    CliRun changes = fleet.jlive("changes", "--service", "bad", "--json");
    assertThat((List<Map<String, Object>>) changes.json().get("changes"))
        .filteredOn(c -> c.get("id").equals(id))
        .extracting(c -> c.get("state"))
        .containsExactly("reverted");
    // The one process it reached has it reverted (asking it "price 1" before then would throw).
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(waveStates("bad", id)).containsExactly(Map.of("reverted", 1L)));
    assertThat(newCode(jvms, "price 10 ")).isEqualTo(3);
    // The metrics probe is gone with the rollout.
    String probe = String.valueOf(ended.get("autoProbe"));
    assertThat((List<Map<String, Object>>) changes.json().get("changes"))
        .filteredOn(c -> c.get("id").equals(probe))
        .extracting(c -> c.get("author"))
        .containsExactly("rollout of " + id);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        (List<Map<String, Object>>)
                            fleet
                                .jlive("changes", "--service", "bad", "--json")
                                .json()
                                .get("changes"))
                    .filteredOn(c -> c.get("id").equals(probe))
                    .extracting(c -> c.get("state"))
                    .containsExactly("reverted"));
  }

  @Test
  void waveByLabelRollsOutOneZoneAfterAnother() throws Exception {
    TargetJvm b = fleet.join("zones", "zone=b");
    TargetJvm a = fleet.join("zones", "zone=a");
    TargetJvm a2 = fleet.join("zones", "zone=a");
    fleet.awaitProcesses("zones", a, a2, b);
    CliRun probe =
        fleet.jlive(
            "probe",
            "add",
            "--service",
            "zones",
            "dev.jlive.it.apps.Pricer#price",
            "--count",
            "--wave-by",
            "zone",
            "--bake",
            "1s",
            "--json");
    assertThat(probe.exitCode()).as(probe.toString()).isZero();
    String id = ServiceTest.changeId(probe);
    Map<String, Object> done = awaitRollout("zones", id, "completed", 2, null);
    List<Map<String, Object>> waves = (List<Map<String, Object>>) done.get("waves");
    assertThat(waves).extracting(wave -> wave.get("value")).containsExactly("a", "b");
    assertThat(waves)
        .extracting(wave -> ((List<?>) wave.get("processes")).size())
        .containsExactly(2, 1);
  }

  @Test
  void abortRevertsTheChangeWhereverItWent() throws Exception {
    List<TargetJvm> jvms = joinAll("aborted", 2, PatchTargetApp.class);
    String id =
        rollOut(
            "aborted",
            ServiceTest.source("return quantity * 10;", "return quantity * 14;").toString(),
            "--rollout",
            "1,100%",
            "--bake",
            "1h");
    awaitRollout("aborted", id, "running", 1, "baking");
    assertThat(newCode(jvms, "price 14 ")).isEqualTo(1);

    CliRun abort = fleet.jlive("rollout", "abort", "aborted", id, "--json");
    assertThat(abort.exitCode()).as(abort.toString()).isZero();
    assertThat(((Map<String, Object>) abort.json().get("rollout")).get("status"))
        .isEqualTo("aborted");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(newCode(jvms, "price 14 ")).isZero());
    CliRun change = fleet.jlive("changes", "--service", "aborted", "--json");
    assertThat((List<Map<String, Object>>) change.json().get("changes"))
        .filteredOn(c -> c.get("id").equals(id))
        .extracting(c -> c.get("state"))
        .containsExactly("reverted");
    // An ended rollout cannot be steered any more.
    CliRun again = fleet.jlive("rollout", "resume", "aborted", id);
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.stderr()).contains("is aborted");
  }

  /**
   * Issue 13, "a process that fails to apply counts as a failed gate": the canary zone's process
   * does not load the patched class, so it reports failed; the rollout rolls back naming it, and
   * the other zone never sees the change.
   */
  @Test
  void aProcessThatFailsToApplyFailsTheWaveAndTheOthersNeverSeeIt() throws Exception {
    TargetJvm idle = fleet.join("unapplied", "zone=a", IdleApp.class);
    TargetJvm pricing = fleet.join("unapplied", "zone=b");
    fleet.awaitProcesses("unapplied", idle, pricing);
    String id =
        rollOut(
            "unapplied",
            ServiceTest.source("return quantity * 10;", "return quantity * 15;").toString(),
            "--wave-by",
            "zone",
            "--bake",
            "1s");
    Map<String, Object> ended = awaitRollout("unapplied", id, "rolled_back", 1, null);
    assertThat(waveProcesses(ended, 0)).hasSize(1);
    assertThat(failure(ended))
        .contains("pid " + idle.pid())
        .contains("failed to apply it")
        .contains("not loaded");
    // Zone b was never reached: still the old code, and nothing of the change was sent to it.
    assertThat(pricing.ask("price 1", "price")).startsWith("price 10 ");
    assertThat(changeStates("unapplied", id, pricing)).isEmpty();
  }

  /**
   * Issue 13, a wave's time limit: the canary waits at its safe point for a check that never holds
   * (a 5-minute safe-point wait), so it never reports applied. Without a limit the rollout would
   * wait as long (the first look sees it applying, the canary waiting); with {@code --wave-timeout
   * 4s} it rolls back, naming the process and what it last reported.
   */
  @Test
  void aWaveWhoseProcessesDoNotReportAppliedInTimeRollsBack() throws Exception {
    List<TargetJvm> jvms = joinAll("stuck", 2, SafepointApp.class);
    String versioned =
        Files.readString(
            Paths.get("src/test/java/dev/jlive/it/apps/Versioned.java"), StandardCharsets.UTF_8);
    Path patched =
        SafepointTest.write(
            versioned.replace("return \"v1\";", "return \"v2\";"), "Versioned.java");
    String id =
        rollOut(
            "stuck",
            patched.toString(),
            "--check",
            "Versioned.ready",
            "--timeout",
            "5m",
            "--rollout",
            "1,100%",
            "--bake",
            "1s",
            "--wave-timeout",
            "4s");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> waveStates("stuck", id), states -> states.equals(List.of(Map.of("waiting", 1L))));
    Map<String, Object> ended = awaitRollout("stuck", id, "rolled_back", 1, null);
    TargetJvm stuck = canary("stuck", ended, jvms);
    TargetJvm other = jvms.get(jvms.indexOf(stuck) == 0 ? 1 : 0);
    assertThat(failure(ended))
        .contains("timed out after 4s")
        .contains("1 process(es) did not report it applied")
        .contains("pid " + stuck.pid())
        .contains("last reported waiting");
    assertThat(other.ask("call", "call")).isEqualTo("call v1v1 1");
    assertThat(changeStates("stuck", id, other)).isEmpty();
  }

  /**
   * Issue 13, canaries are rechecked during the bake: the canary's change is reverted by hand
   * straight on its agent mid-bake, so it runs the old code while its window runs. Without the
   * recheck the wave bakes on for its hour (and a promote would judge old code against old code and
   * pass it); with it the wave fails at once, naming the canary and what it reports.
   */
  @Test
  void aCanaryThatRevertsTheChangeMidBakeFailsTheWave() throws Exception {
    List<TargetJvm> jvms = joinAll("reverting", 2, PatchTargetApp.class);
    String id =
        rollOut(
            "reverting",
            ServiceTest.source("return quantity * 10;", "return quantity * 16;").toString(),
            "--rollout",
            "1,100%",
            "--bake",
            "1h");
    Map<String, Object> baking = awaitRollout("reverting", id, "running", 1, "baking");
    TargetJvm canary = canary("reverting", baking, jvms);
    Map<String, Object> applied = (Map<String, Object>) process("reverting", canary).get("changes");
    String localId = String.valueOf(((Map<String, Object>) applied.get(id)).get("localId"));

    CliRun revert = CliRun.jlive("revert", String.valueOf(canary.pid()), localId);
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
    assertThat(canary.ask("price 1", "price")).startsWith("price 10 ");
    // The canary is rechecked on every tick of the bake, so the wave fails as soon as the
    // controller
    // hears that the canary reports the change failed (reverted), well before its hour of bake; the
    // code before the recheck baked on, and a promote then judged old code against old code.
    Map<String, Object> ended = awaitRollout("reverting", id, "rolled_back", 1, null);
    assertThat(failure(ended))
        .contains("canary pid " + canary.pid() + " on ")
        .contains("no longer reports it applied")
        .contains("reports failed")
        .contains("reverted");
  }

  /**
   * Issue 13, a process that goes silent during a wave: the only canary is killed mid-bake, drops
   * out of the live list, and the history says so once; with no canary left the wave waits, within
   * its time limit, then rolls back. On the code before, nothing was recorded and the wave, judged
   * on no canary, baked on for its hour.
   */
  @Test
  void aCanaryThatGoesSilentIsRecordedAndTheWaveWaitsWithinItsLimit() throws Exception {
    List<TargetJvm> jvms = joinAll("silent", 2, PatchTargetApp.class);
    String id =
        rollOut(
            "silent",
            ServiceTest.source("return quantity * 10;", "return quantity * 17;").toString(),
            "--rollout",
            "1,100%",
            "--bake",
            "1h",
            "--wave-timeout",
            "10s");
    Map<String, Object> baking = awaitRollout("silent", id, "running", 1, "baking");
    TargetJvm canary = canary("silent", baking, jvms);
    canary.process().destroyForcibly();

    Map<String, Object> ended = awaitRollout("silent", id, "rolled_back", 1, null);
    List<Map<String, Object>> history = (List<Map<String, Object>>) ended.get("history");
    assertThat(history)
        .as("history %s", history)
        .filteredOn(d -> "left".equals(d.get("decision")))
        .extracting(d -> String.valueOf(d.get("detail")))
        .singleElement()
        .asString()
        .startsWith("pid " + canary.pid() + " on ")
        .endsWith("left during wave 1");
    assertThat(failure(ended)).contains("no canary left for 10s");
  }

  @Test
  void aPlanTheServiceCannotMeetIsRefusedBeforeAnythingIsStored() throws Exception {
    TargetJvm only = fleet.join("small", null);
    fleet.awaitProcesses("small", only);
    CliRun refused =
        fleet.jlive(
            "probe",
            "add",
            "--service",
            "small",
            "dev.jlive.it.apps.Pricer#price",
            "--metrics",
            "--rollout",
            "5,100%");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.stderr()).contains("cannot be met").contains("asks for 5").contains("has 1");
    CliRun changes = fleet.jlive("changes", "--service", "small", "--json");
    assertThat((List<?>) changes.json().get("changes")).isEmpty();

    // The service's policy gives a change without a plan its default one: refused the same way.
    CliRun policy = fleet.jlive("policy", "set", "small", "--rollout", "5,100%", "--bake", "1s");
    assertThat(policy.exitCode()).as(policy.toString()).isZero();
    assertThat(policy.stdout()).contains("waves 5, 100%");
    CliRun byPolicy =
        fleet.jlive(
            "probe", "add", "--service", "small", "dev.jlive.it.apps.Pricer#price", "--metrics");
    assertThat(byPolicy.exitCode()).as(byPolicy.toString()).isNotZero();
    assertThat(byPolicy.stderr()).contains("cannot be met").contains("asks for 5");
    assertThat(fleet.jlive("policy", "set", "small", "--rollout", "none").exitCode()).isZero();
    CliRun plain =
        fleet.jlive(
            "probe", "add", "--service", "small", "dev.jlive.it.apps.Pricer#price", "--metrics");
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    assertThat(fleet.jlive("revert", "--service", "small", "c1").exitCode()).isZero();

    // Refused by the CLI itself: a plan that never reaches 100%.
    CliRun partial =
        fleet.jlive(
            "probe",
            "add",
            "--service",
            "small",
            "dev.jlive.it.apps.Pricer#price",
            "--metrics",
            "--rollout",
            "1,50%");
    assertThat(partial.exitCode()).isEqualTo(2);
    assertThat(partial.stderr()).contains("not 100%");
  }

  /** Joins {@code count} JVMs running {@code main} to the service and waits until all are live. */
  private static List<TargetJvm> joinAll(String service, int count, Class<?> main)
      throws Exception {
    List<TargetJvm> jvms = fleet.joinAll(service, main, count);
    fleet.awaitProcesses(service, jvms.toArray(TargetJvm[]::new));
    return jvms;
  }

  /** Patches the service with {@code options} (a rollout plan), and returns the change's id. */
  private static String rollOut(String service, String patch, String... options) {
    List<String> args = new ArrayList<>(List.of("patch", "--service", service, patch));
    args.addAll(List.of(options));
    args.add("--json");
    CliRun run = fleet.jlive(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return ServiceTest.changeId(run);
  }

  /** The JVM the rollout's first wave reached (a wave of one). */
  private static TargetJvm canary(
      String service, Map<String, Object> rollout, List<TargetJvm> jvms) {
    String reached = waveProcesses(rollout, 0).get(0);
    return jvms.stream()
        .filter(jvm -> reached.equals(processId(service, jvm)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(reached + " is none of " + jvms));
  }

  private static long newCode(List<TargetJvm> jvms) throws Exception {
    return newCode(jvms, "price 12 ");
  }

  private static long newCode(List<TargetJvm> jvms, String answer) throws Exception {
    long count = 0;
    for (TargetJvm jvm : jvms) {
      if (jvm.ask("price 1", "price").startsWith(answer)) {
        count++;
      }
    }
    return count;
  }

  private static Map<String, Object> rollout(String service, String id) {
    CliRun run = fleet.jlive("rollout", "status", service, id, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return (Map<String, Object>) run.json().get("rollout");
  }

  /** Waits until the rollout has this status, this many waves reached and (unless null) step. */
  private static Map<String, Object> awaitRollout(
      String service, String id, String status, int waves, String step) {
    return await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> rollout(service, id),
            rollout ->
                status.equals(rollout.get("status"))
                    && ((List<?>) rollout.get("waves")).size() == waves
                    && (step == null || step.equals(rollout.get("step"))));
  }

  /** Per reached wave, how many of its processes are in each state. */
  private static List<Map<String, Object>> waveStates(String service, String id) {
    CliRun run = fleet.jlive("rollout", "status", service, id, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return (List<Map<String, Object>>) run.json().get("waveStates");
  }

  private static List<String> waveProcesses(Map<String, Object> rollout, int index) {
    return (List<String>)
        ((List<Map<String, Object>>) rollout.get("waves")).get(index).get("processes");
  }

  /** The detail of the rollout's "failed" decision. */
  private static String failure(Map<String, Object> rollout) {
    return ((List<Map<String, Object>>) rollout.get("history"))
        .stream()
            .filter(d -> "failed".equals(d.get("decision")))
            .map(d -> String.valueOf(d.get("detail")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no failed decision in " + rollout));
  }

  /** The controller's id of a JVM's process in the service. */
  private static String processId(String service, TargetJvm jvm) {
    return String.valueOf(process(service, jvm).get("id"));
  }

  /** What a JVM's process reported of a change: empty when it never heard of it. */
  private static String changeStates(String service, String id, TargetJvm jvm) {
    Object changes = process(service, jvm).get("changes");
    Object state = changes instanceof Map<?, ?> map ? map.get(id) : null;
    return state == null ? "" : String.valueOf(state);
  }

  private static Map<String, Object> process(String service, TargetJvm jvm) {
    CliRun run = fleet.jlive("processes", service, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return ((List<Map<String, Object>>) run.json().get("processes"))
        .stream()
            .filter(p -> ((Number) p.get("pid")).longValue() == jvm.pid())
            .findFirst()
            .orElseThrow();
  }
}

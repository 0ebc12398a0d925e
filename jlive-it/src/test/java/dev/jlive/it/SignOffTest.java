package dev.jlive.it;

import static dev.jlive.it.support.FleetFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.cli.ExitCode;
import dev.jlive.it.apps.LoadedPricerApp;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.RolloutHistory;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-off by a second person, with a real controller, a real ZooKeeper and real agents in forked
 * JVMs, driven through the CLI by different users: under the built-in policy a patch waits, running
 * nowhere, until someone other than its author approves it, then every process applies it; a
 * rejected one never reaches a process; a probe applies at once; a policy can ask for two distinct
 * approvers. The negative control: with the policy at 0 approvals, the very same patch reaches the
 * processes at once, so the waiting seen here is the policy's, not a slow rollout.
 */
@SuppressWarnings("unchecked")
class SignOffTest {
  private static final String PRICER = Pricer.class.getName();
  private static final Duration ROLLOUT = Duration.ofSeconds(60);
  private static FleetFixture fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = FleetFixture.startWithBuiltInPolicyOnOwnZooKeeper("signoff");
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
  void aPatchWaitsUntilASecondPersonApprovesThenEveryProcessAppliesIt() throws Exception {
    List<TargetJvm> both = fleet.joinAll("checkout", PatchTargetApp.class, 2);
    TargetJvm a = both.get(0);
    TargetJvm b = both.get(1);
    fleet.awaitProcesses("checkout", a, b);
    CliRun policy = fleet.jlive("policy", "show", "checkout");
    assertThat(policy.stdout()).contains("built in").containsPattern("patch +1 approval");

    CliRun proposed = patch("alice", "checkout", "return quantity * 11;");
    assertThat(proposed.exitCode()).as(proposed.toString()).isZero();
    Map<String, Object> change = (Map<String, Object>) proposed.json().get("change");
    String id = String.valueOf(change.get("id"));
    assertThat(change).containsEntry("state", "proposed").containsEntry("required", 1L);
    assertThat((List<?>) proposed.json().get("results")).isEmpty();
    CliRun text =
        as("alice", fleet, "patch", "--service", "checkout", source("return quantity * 11;"));
    assertThat(text.stdout())
        .contains("change " + id + " was already proposed")
        .contains("jlive approve checkout " + id);

    // Proposed: listed, but no process has it.
    assertThat(stateOf("checkout", id)).isEqualTo("proposed");
    assertThat(a.ask("price 2", "price")).startsWith("price 20 ");
    assertThat(b.ask("price 2", "price")).startsWith("price 20 ");
    assertThat(patchesIn(a)).isEmpty();
    assertThat(patchesIn(b)).isEmpty();

    CliRun waiting = fleet.jlive("approvals", "--service", "checkout");
    assertThat(waiting.stdout())
        .contains("checkout " + id)
        .contains("by alice")
        .contains("0 of 1 approvals, 1 more needed")
        .contains("new: no active patch changes " + PRICER)
        .contains("+    return quantity * 11;");

    CliRun self = as("alice", fleet, "approve", "checkout", id);
    assertThat(self.exitCode()).as(self.toString()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(self.stderr()).contains("alice cannot approve " + id + ": it is their own change");
    CliRun selfJson = as("alice", fleet, "approve", "checkout", id, "--json");
    assertThat((Map<String, Object>) selfJson.json().get("error"))
        .containsEntry("code", "FORBIDDEN");
    assertThat(stateOf("checkout", id)).isEqualTo("proposed");
    assertThat(a.ask("price 2", "price")).startsWith("price 20 ");

    CliRun approved = as("bob", fleet, "approve", "checkout", id, "--comment", "looks right");
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    assertThat(approved.stdout()).contains("approved " + id + " (1 of 1): active");
    for (TargetJvm jvm : List.of(a, b)) {
      await()
          .atMost(ROLLOUT)
          .untilAsserted(() -> assertThat(jvm.ask("price 2", "price")).startsWith("price 22 "));
    }
    CliRun status = fleet.jlive("changes", "--service", "checkout", "--json");
    Map<String, Object> active = changeIn(status, id);
    assertThat(active).containsEntry("state", "active").containsEntry("author", "alice");
    assertThat((List<Map<String, Object>>) active.get("approvals"))
        .singleElement()
        .satisfies(
            word ->
                assertThat(word)
                    .containsEntry("by", "bob")
                    .containsEntry("decision", "approve")
                    .containsEntry("comment", "looks right"));

    // The next patch of the same class is shown against the one that runs, and carol rejects it:
    // it never reaches a process.
    CliRun next = patch("alice", "checkout", "return quantity * 13;");
    String nextId = String.valueOf(((Map<String, Object>) next.json().get("change")).get("id"));
    CliRun diff = fleet.jlive("approvals");
    assertThat(diff.stdout())
        .contains("a/Pricer.java (" + id + ", active)")
        .contains("-    return quantity * 11;")
        .contains("+    return quantity * 13;");
    CliRun noComment = as("carol", fleet, "reject", "checkout", nextId);
    assertThat(noComment.exitCode()).isEqualTo(ExitCode.USAGE);
    CliRun rejected =
        as("carol", fleet, "reject", "checkout", nextId, "--comment", "13 is not our price");
    assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
    assertThat(stateOf("checkout", nextId)).isEqualTo("rejected");
    CliRun late = as("bob", fleet, "approve", "checkout", nextId);
    assertThat(late.exitCode()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(late.stderr()).contains(nextId + " is rejected, not proposed");
    assertThat(fleet.jlive("approvals", "--service", "checkout").stdout())
        .contains("nothing waits for approval");
    // Given the agents time to act on anything they were sent: still the approved code, and their
    // ledgers hold only the approved patch.
    CliRun probe =
        as("alice", fleet, "probe", "add", "--service", "checkout", PRICER + "#price", "--count");
    assertThat(probe.exitCode()).as(probe.toString()).isZero();
    for (TargetJvm jvm : List.of(a, b)) {
      await().atMost(ROLLOUT).until(() -> !probesIn(jvm).isEmpty());
      assertThat(jvm.ask("price 2", "price")).startsWith("price 22 ");
      assertThat(patchesIn(jvm)).hasSize(1);
    }

    // Negative control: without sign-off the same kind of patch reaches both processes at once.
    assertThat(fleet.jlive("policy", "set", "checkout", "--patch-approvals", "0").exitCode())
        .isZero();
    CliRun direct = patch("alice", "checkout", "return quantity * 15;");
    assertThat(direct.exitCode()).as(direct.toString()).isZero();
    assertThat(ServiceTest.states(direct)).containsOnly("applied").hasSize(2);
    assertThat(a.ask("price 2", "price")).startsWith("price 30 ");
  }

  @Test
  void aProbeAppliesAtOnceAndACaptureProbeWaitsForApproval() throws Exception {
    TargetJvm jvm = fleet.join("probes", null);
    fleet.awaitProcesses("probes", jvm);

    CliRun count =
        as(
            "alice",
            fleet,
            "probe",
            "add",
            "--service",
            "probes",
            PRICER + "#price",
            "--count",
            "--json");
    assertThat(count.exitCode()).as(count.toString()).isZero();
    assertThat(ServiceTest.states(count)).containsExactly("applied");

    CliRun capture =
        as(
            "alice",
            fleet,
            "probe",
            "add",
            "--service",
            "probes",
            PRICER + "#quotes",
            "--capture",
            "--json");
    assertThat(capture.exitCode()).as(capture.toString()).isZero();
    String id = ServiceTest.changeId(capture);
    assertThat(stateOf("probes", id)).isEqualTo("proposed");
    assertThat(probesIn(jvm)).hasSize(1);

    CliRun approved = as("bob", fleet, "approve", "probes", id, "--json");
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    await().atMost(ROLLOUT).until(() -> probesIn(jvm).size() == 2);
  }

  @Test
  void aPolicyOfTwoNeedsTwoDistinctApproversFromItsList() throws Exception {
    CliRun set =
        fleet.jlive(
            "policy", "set", "pairs", "--patch-approvals", "2", "--approvers", "bob,carol,dave");
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(set.stdout()).contains("set for this service").contains("bob, carol, dave");
    TargetJvm jvm = fleet.join("pairs", null);
    fleet.awaitProcesses("pairs", jvm);

    String id = ServiceTest.changeId(patch("alice", "pairs", "return quantity * 11;"));
    CliRun first = as("bob", fleet, "approve", "pairs", id);
    assertThat(first.stdout()).contains("(1 of 2): it waits for 1 more approval");
    CliRun twice = as("bob", fleet, "approve", "pairs", id);
    assertThat(twice.exitCode()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(twice.stderr()).contains("bob already approved " + id);
    CliRun outsider = as("erin", fleet, "approve", "pairs", id);
    assertThat(outsider.exitCode()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(outsider.stderr()).contains("erin may not approve").contains("bob, carol, dave");
    assertThat(stateOf("pairs", id)).isEqualTo("proposed");
    assertThat(jvm.ask("price 2", "price")).startsWith("price 20 ");
    assertThat(patchesIn(jvm)).isEmpty();

    CliRun second = as("carol", fleet, "approve", "pairs", id);
    assertThat(second.exitCode()).as(second.toString()).isZero();
    await()
        .atMost(ROLLOUT)
        .untilAsserted(() -> assertThat(jvm.ask("price 2", "price")).startsWith("price 22 "));
  }

  /**
   * Issue 13, a rollout is what the approver approves: alice proposes a patch with a plan, nothing
   * moves until bob approves, then it goes out in its waves and completes; the change and the audit
   * log name both. A rejected patch with a plan never starts: its rollout ends aborted and no
   * process was sent it.
   */
  @Test
  void anApprovedPatchRollsOutInItsWavesAndARejectedOneNeverStarts() throws Exception {
    List<TargetJvm> both = fleet.joinAll("staged", LoadedPricerApp.class, 2);
    TargetJvm a = both.get(0);
    TargetJvm b = both.get(1);
    fleet.awaitProcesses("staged", a, b);
    CliRun proposed = staged("alice", "return quantity * 16;");
    assertThat(proposed.exitCode()).as(proposed.toString()).isZero();
    String id = String.valueOf(((Map<String, Object>) proposed.json().get("change")).get("id"));
    assertThat(stateOf("staged", id)).isEqualTo("proposed");
    assertThat(rollout("staged", id)).containsEntry("status", "pending");

    CliRun approved = as("bob", fleet, "approve", "staged", id);
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    Map<String, Object> done =
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> rollout("staged", id), r -> "completed".equals(r.get("status")));
    List<Map<String, Object>> history = (List<Map<String, Object>>) done.get("history");
    RolloutHistory.assertEachWaveReachedAndPassed(history, 2);
    for (TargetJvm jvm : List.of(a, b)) {
      await()
          .atMost(ROLLOUT)
          .untilAsserted(() -> assertThat(jvm.ask("price 2", "price")).startsWith("price 32 "));
    }
    Map<String, Object> change =
        changeIn(fleet.jlive("changes", "--service", "staged", "--json"), id);
    assertThat(change).containsEntry("author", "alice");
    assertThat((List<Map<String, Object>>) change.get("approvals"))
        .singleElement()
        .satisfies(word -> assertThat(word).containsEntry("by", "bob"));
    CliRun audit = fleet.jlive("audit", "--service", "staged", "--json");
    assertThat(audit.exitCode()).as(audit.toString()).isZero();
    List<String> who =
        audit
            .stdout()
            .lines()
            .map(Json::parseObject)
            .filter(r -> id.equals(r.get("change")) && "ok".equals(r.get("result")))
            .map(r -> r.get("user") + ": " + r.get("operation"))
            .toList();
    assertThat(who).anyMatch(line -> line.startsWith("alice: "));
    assertThat(who).anyMatch(line -> line.startsWith("bob: ") && line.contains("approve"));

    CliRun next = staged("alice", "return quantity * 17;");
    assertThat(next.exitCode()).as(next.toString()).isZero();
    String nextId = String.valueOf(((Map<String, Object>) next.json().get("change")).get("id"));
    CliRun rejected =
        as("carol", fleet, "reject", "staged", nextId, "--comment", "17 is not our price");
    assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
    Map<String, Object> aborted =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> rollout("staged", nextId), r -> "aborted".equals(r.get("status")));
    assertThat((List<?>) aborted.get("waves")).isEmpty();
    // The agents' ledgers hold the approved patch alone: the rejected one was never sent.
    for (TargetJvm jvm : List.of(a, b)) {
      assertThat(jvm.ask("price 2", "price")).startsWith("price 32 ");
      assertThat(patchesIn(jvm)).hasSize(1);
    }
  }

  private static CliRun staged(String user, String body) throws Exception {
    return as(
        user,
        fleet,
        "patch",
        "--service",
        "staged",
        source(body),
        "--rollout",
        "1,100%",
        "--bake",
        "1s",
        "--json");
  }

  private static Map<String, Object> rollout(String service, String id) {
    CliRun run = fleet.jlive("rollout", "status", service, id, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return (Map<String, Object>) run.json().get("rollout");
  }

  private static CliRun patch(String user, String service, String body) throws Exception {
    return as(user, fleet, "patch", "--service", service, source(body), "--json");
  }

  private static String source(String body) throws Exception {
    return ServiceTest.source("return quantity * 10;", body).toString();
  }

  private static String stateOf(String service, String id) {
    return String.valueOf(
        changeIn(fleet.jlive("changes", "--service", service, "--json"), id).get("state"));
  }

  private static Map<String, Object> changeIn(CliRun list, String id) {
    assertThat(list.exitCode()).as(list.toString()).isZero();
    return ((List<Map<String, Object>>) list.json().get("changes"))
        .stream().filter(change -> id.equals(change.get("id"))).findFirst().orElseThrow();
  }

  /** The patches in the agent's own ledger: what it was ever sent. */
  private static List<Map<String, Object>> patchesIn(TargetJvm jvm) throws Exception {
    return ledger(jvm).stream().filter(entry -> "patch".equals(entry.get("kind"))).toList();
  }

  private static List<Map<String, Object>> probesIn(TargetJvm jvm) throws Exception {
    return ledger(jvm).stream().filter(entry -> "probe".equals(entry.get("kind"))).toList();
  }

  private static List<Map<String, Object>> ledger(TargetJvm jvm) throws Exception {
    return (List<Map<String, Object>>) AgentHttp.of(jvm.pid()).json("/v1/changes").get("changes");
  }
}

package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.UnknownFields;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeList;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.Health;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.fleet.ProcessRow;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent protocol's versions and tolerance, spoken with the protocol's own records: an old agent
 * (no protocolVersion) is told what it lacks and listed with its protocol; a newer agent's unknown
 * field is accepted and logged once; a user's unknown field is refused.
 */
class AgentProtocolTest {
  @RegisterExtension
  static final ControllerOnZooKeeper fixture = new ControllerOnZooKeeper(Duration.ofSeconds(1));

  /** The controller's admin, and an agent for the agent protocol. */
  private static Http http() {
    return fixture.http();
  }

  @AfterAll
  static void stop() {
    UnknownFields.logTo(null);
  }

  private static RegisterAnswer register(Map<String, Object> body) {
    Http.Answer answer = http().post(FleetApi.REGISTER, body);
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return RegisterAnswer.fromWire(answer.body());
  }

  @Test
  void anOldAgentIsToldWhatItLacksAndListedWithItsProtocol() {
    RegisterBody current =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION,
            "versions",
            "host-a",
            11,
            "17",
            "test",
            Map.of(),
            "new-agent");
    Map<String, Object> old = new LinkedHashMap<>(current.toJson());
    old.remove("protocolVersion");
    old.put("pid", 12);
    old.put("instance", "old-agent");

    RegisterAnswer toCurrent = register(current.toJson());
    RegisterAnswer toOld = register(old);

    assertThat(toCurrent.protocolVersion()).isEqualTo(FleetApi.PROTOCOL_VERSION);
    assertThat(toCurrent.note()).isNull();
    assertThat(toOld.protocolVersion()).isEqualTo(FleetApi.PROTOCOL_VERSION);
    assertThat(toOld.note())
        .startsWith("this agent speaks agent protocol 1 and the controller (jlive ")
        .contains("upgrade its agent jar");
    Map<String, Integer> protocols = new LinkedHashMap<>();
    for (ProcessRow row :
        ProcessList.fromWire(http().get(FleetApi.processes("versions")).body()).processes()) {
      protocols.put(row.process().id(), row.process().protocolVersion());
    }
    assertThat(protocols)
        .isEqualTo(Map.of(toCurrent.process(), FleetApi.PROTOCOL_VERSION, toOld.process(), 1));
    // An old agent's sync (no protocolVersion either) is answered as before.
    Http.Answer sync =
        http().post(FleetApi.SYNC, Map.of("process", toOld.process(), "desiredVersion", -1));
    assertThat(SyncAnswer.fromWire(sync.body())).isInstanceOf(SyncAnswer.Changes.class);
    assertThat(Health.fromWire(http().get(FleetApi.HEALTH).body()).protocolVersion())
        .isEqualTo(FleetApi.PROTOCOL_VERSION);
  }

  @Test
  void aNewerAgentsUnknownFieldIsAcceptedAndLoggedOnceButAUsersIsRefused() {
    List<String> logged = new ArrayList<>();
    UnknownFields.logTo(logged::add);
    String process =
        register(
                new RegisterBody(
                        FleetApi.PROTOCOL_VERSION,
                        "tolerant",
                        "host-a",
                        21,
                        "17",
                        "test",
                        Map.of(),
                        "i21")
                    .toJson())
            .process();
    SyncBody report =
        new SyncBody(FleetApi.PROTOCOL_VERSION, process, -1, 0, Map.of(), Map.of(), List.of(), 0);
    for (int i = 0; i < 3; i++) {
      Map<String, Object> fromTheFuture = new LinkedHashMap<>(report.toJson());
      fromTheFuture.put("cpuBudgetLeft", 0.25);
      Http.Answer answer = http().post(FleetApi.SYNC, fromTheFuture);
      assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    }
    assertThat(logged)
        .containsExactly(
            "the sync body has a field this version does not know, ignored: 'cpuBudgetLeft' (the peer is probably of a newer version)");

    // The same kind of field from a user is refused, and nothing is stored.
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("kind", "probe");
    change.put("spec", Map.of("selector", "com.acme.Cart#add", "kind", "count"));
    change.put("cpuBudgetLeft", 0.25);
    Http.Answer refused = http().post(FleetApi.changes("tolerant"), change);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(((Map<?, ?>) refused.body().get("error")).get("message"))
        .isEqualTo("the change has an unknown field 'cpuBudgetLeft'");
    assertThat(ChangeList.fromWire(http().get(FleetApi.changes("tolerant")).body()).changes())
        .isEmpty();
  }

  @Test
  void aReportOfAStateOnlyTheControllerCanKnowIsRefused() {
    String process =
        register(
                new RegisterBody(
                        FleetApi.PROTOCOL_VERSION,
                        "states",
                        "host-a",
                        31,
                        "17",
                        "test",
                        Map.of(),
                        "i31")
                    .toJson())
            .process();
    Map<String, Object> body =
        new LinkedHashMap<>(
            new SyncBody(
                    FleetApi.PROTOCOL_VERSION,
                    process,
                    -1,
                    0,
                    Map.of("c1", ChangeReport.of(ProcessState.APPLIED)),
                    Map.of(),
                    List.of(),
                    0)
                .toJson());
    body.put("changes", Map.of("c1", Map.of("state", "unreachable")));

    Http.Answer answer = http().post(FleetApi.SYNC, body);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(((Map<?, ?>) answer.body().get("error")).get("message"))
        .isEqualTo(
            "a change report's state must be waiting, applied, failed or reverted, not unreachable");
  }

  /**
   * A shadow goes only to agents whose protocol reads shadows: an older agent would refuse the
   * whole answer for one change of a kind it does not know. The current agent of the same service,
   * asked the same way, is the control: it gets the shadow.
   */
  @Test
  void aShadowIsWithheldFromAnAgentWhoseProtocolCannotReadIt() {
    int older = FleetApi.FIRST_SHADOW_PROTOCOL_VERSION - 1;
    String old = registerSpeaking(older, "shadowed", 51);
    String current = registerSpeaking(FleetApi.PROTOCOL_VERSION, "shadowed", 52);
    Map<String, Object> candidate =
        Map.of("sources", List.of(Map.of("name", "A.java", "code", "class A {}")));
    Http.Answer added =
        http()
            .post(
                FleetApi.changes("shadowed"),
                Map.of("kind", "shadow", "spec", Map.of("patch", candidate)));
    assertThat(added.status()).as(added.body().toString()).isEqualTo(201);

    assertThat(desiredKinds(older, old)).isEmpty();
    assertThat(desiredKinds(FleetApi.PROTOCOL_VERSION, current)).containsExactly(ChangeKind.SHADOW);
  }

  private static String registerSpeaking(int protocol, String service, int pid) {
    return register(
            new RegisterBody(protocol, service, "host-a", pid, "17", "test", Map.of(), "i" + pid)
                .toJson())
        .process();
  }

  /** The kinds of the changes a sync at once (desired version -1) tells the process to run. */
  private static List<ChangeKind> desiredKinds(int protocol, String process) {
    SyncAnswer answer =
        SyncAnswer.fromWire(
            http()
                .post(
                    FleetApi.SYNC,
                    new SyncBody(protocol, process, -1, 0, Map.of(), Map.of(), List.of(), 0)
                        .toJson())
                .body());
    assertThat(answer).isInstanceOf(SyncAnswer.Changes.class);
    return ((SyncAnswer.Changes) answer).changes().stream().map(c -> c.kind()).toList();
  }

  @Test
  void aChangeIsStoredAndShownTyped() {
    String process =
        register(
                new RegisterBody(
                        FleetApi.PROTOCOL_VERSION,
                        "typed",
                        "host-a",
                        41,
                        "17",
                        "test",
                        Map.of("zone", "eu"),
                        "i41")
                    .toJson())
            .process();
    Http.Answer added =
        http()
            .post(
                FleetApi.changes("typed"),
                Map.of(
                    "kind",
                    "probe",
                    "spec",
                    Map.of("selector", "a.B#c", "kind", "count"),
                    "where",
                    Map.of("zone", "eu")));
    assertThat(added.status()).isEqualTo(201);
    SyncAnswer answer =
        SyncAnswer.fromWire(
            http()
                .post(
                    FleetApi.SYNC,
                    new SyncBody(
                            FleetApi.PROTOCOL_VERSION,
                            process,
                            -1,
                            0,
                            Map.of(),
                            Map.of(),
                            List.of(),
                            0)
                        .toJson())
                .body());
    assertThat(answer)
        .isInstanceOfSatisfying(
            SyncAnswer.Changes.class,
            changes -> {
              assertThat(changes.changes()).hasSize(1);
              assertThat(changes.changes().get(0).kind()).isEqualTo(ChangeKind.PROBE);
              assertThat(changes.changes().get(0).author()).isEqualTo(Controller.ADMIN);
            });
    assertThat(ChangeList.fromWire(http().get(FleetApi.changes("typed")).body()).changes())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.digest()).hasSize(64);
              assertThat(change.spec()).isNull();
              assertThat(change.where()).isEqualTo(Map.of("zone", "eu"));
            });
  }
}

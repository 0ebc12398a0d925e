package dev.jlive.protocol.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.UnknownFields;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ProcessState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent protocol's bodies: each read from its JSON and written back the same, and each rule
 * with its exact message.
 */
class FleetRecordsTest {
  static List<Arguments> messages() {
    return List.of(
        message(
            "register body",
            RegisterBody::fromWire,
            """
            {"protocolVersion":2,"service":"shop","host":"web-1","pid":4242,"javaVersion":"17.0.15","agentVersion":"0.1.0",\
            "labels":{"canary":"true","zone":"eu"},"instance":"6f1c"}"""),
        message(
            "register answer",
            RegisterAnswer::fromWire,
            """
            {"process":"web-1-4242-6f1c","heartbeatMillis":10000,"protocolVersion":2,"note":"upgrade the agent"}"""),
        message(
            "sync body",
            SyncBody::fromWire,
            """
            {"protocolVersion":2,"process":"web-1-4242-6f1c","desiredVersion":3,"waitMillis":10000,\
            "changes":{"c1":{"state":"applied","localId":"p1"},"c2":{"state":"failed","message":"no class matches a.B#c"},\
            "c3":{"state":"waiting"},"c4":{"state":"reverted","localId":"x2"}},\
            "metrics":{"c1":{"id":"p1","calls":7,"latency":{"p50Millis":0.5,"buckets":[1,2]}}},\
            "events":[{"change":"c1","seq":9,"probe":"p1","message":"hi"}],"eventsDropped":2}"""),
        message(
            "sync answer, unchanged",
            SyncAnswer::fromWire,
            """
            {"desiredVersion":3,"unchanged":true}"""),
        message(
            "sync answer, changes",
            SyncAnswer::fromWire,
            """
            {"desiredVersion":4,"changes":[{"id":"c1","kind":"probe","spec":{"selector":"a.B#c","kind":"metrics"},"author":"ann",\
            "createdAt":"2026-12-01T10:00:00Z"},{"id":"c2","kind":"patch","spec":{"classFiles":["AAA"]}}]}"""),
        message(
            "deregister body",
            DeregisterBody::fromWire,
            """
            {"process":"web-1-4242-6f1c"}"""),
        message(
            "deregister answer",
            DeregisterAnswer::fromWire,
            """
            {"deregistered":true}"""),
        message(
            "process node",
            ProcessInfo::fromWire,
            """
            {"id":"web-1-4242-6f1c","service":"shop","host":"web-1","pid":4242,"javaVersion":"17","agentVersion":"0.1.0",\
            "protocolVersion":1,"labels":{"zone":"eu"},"registeredAt":"2026-12-01T10:00:00Z"}"""),
        message(
            "lost process node",
            LostProcess::fromWire,
            """
            {"id":"web-1-4242-6f1c","service":"shop","host":"web-1","pid":4242,"protocolVersion":2,"labels":{},\
            "lostAt":"2026-12-01T11:00:00Z","lostAtMillis":1796122800000}"""),
        message(
            "report node",
            ProcessReport::fromWire,
            """
            {"changes":{"c1":{"state":"applied","localId":"p1"}},"metrics":{"c1":{"calls":7}},"at":"2026-12-01T10:00:01Z"}"""),
        message(
            "process list",
            ProcessList::fromWire,
            """
            {"service":"shop","processes":[{"id":"web-1-4242-6f1c","service":"shop","host":"web-1","pid":4242,"protocolVersion":2,\
            "labels":{"zone":"eu"},"changes":{"c1":{"state":"applied","localId":"p1"}},"reportedAt":"2026-12-01T10:00:01Z",\
            "lastSeen":"2026-12-01T10:00:02Z"}]}"""),
        message(
            "service list",
            ServiceList::fromWire,
            """
            {"services":[{"name":"shop","processes":4,"activeChanges":2},{"name":"billing","processes":0,"activeChanges":0}]}"""),
        message(
            "health",
            Health::fromWire,
            """
            {"version":"0.1.0","protocolVersion":2,"zookeeper":"connected","zookeeperAt":"127.0.0.1:2181","connectedAgents":3,\
            "waitingPolls":2}"""));
  }

  private static Arguments message(
      String name, Function<Object, ? extends JsonWritable> reader, String json) {
    return Arguments.of(name, reader, json);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void readsAndWritesTheSameJson(
      String name, Function<Object, ? extends JsonWritable> reader, String json) {
    assertThat(Json.write(reader.apply(Json.parse(json)).toJson())).isEqualTo(json);
  }

  @Test
  void anAgentWithoutProtocolVersionSpeaksProtocolOne() {
    RegisterBody old =
        RegisterBody.fromWire(
            Json.parse("{\"service\":\"shop\",\"host\":\"h\",\"pid\":1,\"instance\":\"i\"}"));
    assertThat(old.protocolVersion()).isEqualTo(1);
    assertThat(old.labels()).isEmpty();
    assertThat(SyncBody.fromWire(Json.parse("{\"process\":\"p\"}")))
        .isEqualTo(new SyncBody(1, "p", -1, 0, Map.of(), Map.of(), List.of(), 0));
    assertThat(
            RegisterAnswer.fromWire(Json.parse("{\"process\":\"p\",\"heartbeatMillis\":5}"))
                .protocolVersion())
        .isEqualTo(1);
  }

  @Test
  void aNewerAgentsFieldIsIgnoredAndLoggedOnce() {
    List<String> logged = new ArrayList<>();
    UnknownFields.logTo(logged::add);
    try {
      for (int i = 0; i < 3; i++) {
        SyncBody body =
            SyncBody.fromWire(
                Json.parse(
                    "{\"process\":\"p\",\"shadowTraffic\":{\"percent\":5},"
                        + "\"changes\":{\"c"
                        + i
                        + "\":{\"state\":\"applied\",\"approvedBy\":\"bob\"}}}"));
        assertThat(body.changes()).containsEntry("c" + i, ChangeReport.of(ProcessState.APPLIED));
      }
    } finally {
      UnknownFields.logTo(null);
    }
    assertThat(logged)
        .containsExactly(
            "the sync body has a field this version does not know, ignored: 'shadowTraffic' (the peer is probably of a newer version)",
            "a change report of the sync body has a field this version does not know, ignored: 'approvedBy' (the peer is probably of a newer version)");
  }

  // ---- one test per rule, with its exact message ----

  @Test
  void registrationRules() {
    assertRefused(
        () ->
            register(
                "{\"protocolVersion\":0,\"service\":\"shop\",\"host\":\"h\",\"pid\":1,\"instance\":\"i\"}"),
        "the registration: 'protocolVersion' must be 1 or more, not 0",
        "leave it out for protocol 1");
    assertRefused(
        () -> register("{\"service\":\"../etc\",\"host\":\"h\",\"pid\":1,\"instance\":\"i\"}"),
        "'../etc' is not a service name",
        "use letters, digits, '.', '_' and '-' (up to 63 characters), starting with a letter or digit");
    assertRefused(
        () -> register("{\"service\":\"shop\",\"pid\":1,\"instance\":\"i\"}"),
        "the registration needs 'host'",
        "send e.g. {\"host\": \"web-1\"}");
    assertRefused(
        () -> register("{\"service\":\"shop\",\"host\":\"h\",\"instance\":\"i\"}"),
        "the registration needs 'pid'",
        "send e.g. {\"pid\": 1}");
    assertRefused(
        () -> new RegisterBody(2, "shop", "h", 0, null, null, Map.of(), "i"),
        "the registration needs the process id 'pid' (a number above 0), not 0",
        "agents send it themselves");
    assertRefused(
        () ->
            register(
                "{\"service\":\"shop\",\"host\":\"h\",\"pid\":1,\"instance\":\"i\",\"labels\":{\"a b\":\"x\"}}"),
        "'a b' in labels is not a label name",
        "use letters, digits, '.', '_' and '-'");
    assertRefused(
        () ->
            register(
                "{\"service\":\"shop\",\"host\":\"h\",\"pid\":1,\"instance\":\"i\",\"labels\":{\"zone\":1}}"),
        "the registration: 'labels.zone' must be a string, not the number 1",
        "send e.g. {\"labels\": {\"zone\": \"eu-1\"}}");
    assertRefused(
        () -> register("{\"service\":\"shop\",\"host\":\"h\",\"pid\":1}"),
        "the registration needs 'instance'",
        "send e.g. {\"instance\": \"a random id\"}");
    assertRefused(
        () -> new RegisterBody(2, "shop", " ", 1, null, null, Map.of(), "i"),
        "the registration needs 'host'",
        "see dev.jlive.protocol.FleetApi for the agent protocol");
  }

  @Test
  void registerAnswerRules() {
    assertRefused(
        () -> RegisterAnswer.fromWire(Json.parse("{\"heartbeatMillis\":5}")),
        "the registration answer needs 'process'",
        "send e.g. {\"process\": \"web-1-4242-1a2b3c4d\"}");
    assertRefused(
        () -> new RegisterAnswer("p", 0, 2, null),
        "the registration answer: 'heartbeatMillis' must be above 0, not 0",
        "check the controller's --heartbeat");
  }

  @Test
  void syncRules() {
    assertRefused(
        () -> sync("{}"),
        "the sync body needs 'process'",
        "send e.g. {\"process\": \"web-1-4242-1a2b3c4d\"}");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"desiredVersion\":-2}"),
        "the sync body: 'desiredVersion' must be from -1 to 9223372036854775807, not -2",
        "send a number in that range");
    assertRefused(
        () -> new SyncBody(2, "p", -2, 0, null, null, null, 0),
        "the sync body: 'desiredVersion' must be -1 (none seen yet) or more, not -2",
        "send the desiredVersion of the last sync answer");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"waitMillis\":-1}"),
        "the sync body: 'waitMillis' must be from 0 to 9223372036854775807, not -1",
        "send a number in that range");
    assertRefused(
        () -> new SyncBody(2, "p", -1, -1, null, null, null, 0),
        "the sync body: 'waitMillis' must be 0 or more, not -1",
        "send 0 to be answered at once");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"eventsDropped\":-1}"),
        "the sync body: 'eventsDropped' must be from 0 to 9223372036854775807, not -1",
        "send a number in that range");
    assertRefused(
        () -> new SyncBody(2, "p", -1, 0, null, null, null, -1),
        "the sync body: 'eventsDropped' must be 0 or more, not -1",
        "leave it out when none were dropped");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"protocolVersion\":0}"),
        "the sync body: 'protocolVersion' must be 1 or more, not 0",
        "leave it out for protocol 1");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"waitMillis\":\"10\"}"),
        "the sync body: 'waitMillis' must be a whole number from 0 to 9223372036854775807, not the string \"10\"",
        "send e.g. {\"waitMillis\": 0}");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"events\":[{\"seq\":1},2]}"),
        "the sync body: 'events' must be an array of objects; item 1 is not an object",
        "send e.g. {\"events\": [{...}]}");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"events\":{}}"),
        "the sync body: 'events' must be an array of objects",
        "send e.g. {\"events\": [{...}]}");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"changes\":{\"c1\":\"applied\"}}"),
        "the sync body: 'changes.c1' must be an object",
        "send e.g. {\"changes\": {\"c1\": {...}}}");
  }

  @Test
  void anAgentReportsOnlyTheStatesItCanKnow() {
    assertRefused(
        () -> sync("{\"process\":\"p\",\"changes\":{\"c1\":{\"state\":\"pending\"}}}"),
        "a change report's state must be waiting, applied, failed or reverted, not pending",
        "pending and unreachable are the controller's own states");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"changes\":{\"c1\":{}}}"),
        "a change report's state must be waiting, applied, failed or reverted, not absent",
        "pending and unreachable are the controller's own states");
    assertRefused(
        () -> sync("{\"process\":\"p\",\"changes\":{\"c1\":{\"state\":\"done\"}}}"),
        "a change report of the sync body: 'done' is not a valid state",
        "choose pending, waiting, applied, failed, reverted, unreachable");
  }

  @Test
  void syncAnswerRules() {
    assertRefused(
        () -> SyncAnswer.fromWire(Json.parse("{\"desiredVersion\":1}")),
        "the sync answer has neither 'changes' nor \"unchanged\": true",
        "check that controller= names a jlive controller");
    assertRefused(
        () -> SyncAnswer.fromWire(Json.parse("{\"unchanged\":true}")),
        "the sync answer needs 'desiredVersion'",
        "send e.g. {\"desiredVersion\": -1}");
    assertRefused(
        () ->
            SyncAnswer.fromWire(
                Json.parse(
                    "{\"desiredVersion\":1,\"changes\":[{\"id\":\"c1\",\"kind\":\"probe\"}]}")),
        "a change of the sync answer (c1) needs 'spec'",
        "the controller sends the body of POST /v1/probes or /v1/patches as \"spec\"");
    assertRefused(
        () ->
            SyncAnswer.fromWire(
                Json.parse(
                    "{\"desiredVersion\":1,\"changes\":[{\"id\":\"c1\",\"kind\":\"config\",\"spec\":{}}]}")),
        "the sync answer: changes[0]: 'config' is not a valid kind",
        "choose probe, patch, shadow");
    assertRefused(
        () -> new DesiredChange("c1", null, Map.of(), null, null),
        "a change of the sync answer needs 'kind'",
        "send probe or patch");
    assertRefused(
        () -> new DesiredChange("", ChangeKind.PROBE, Map.of(), null, null),
        "a change of the sync answer needs 'id'",
        "see dev.jlive.protocol.FleetApi for the agent protocol");
  }

  @Test
  void deregistrationAndProcessRules() {
    assertRefused(
        () -> DeregisterBody.fromWire(Json.parse("{}")),
        "the deregistration needs 'process'",
        "send e.g. {\"process\": \"web-1-4242-1a2b3c4d\"}");
    assertRefused(
        () -> ProcessInfo.fromWire(Json.parse("{\"host\":\"h\"}")),
        "the process needs 'id'",
        "send e.g. {\"id\": \"web-1-4242-1a2b3c4d\"}");
    assertRefused(
        () -> new ServiceSummary("a/b", 0, 0),
        "'a/b' is not a service name",
        "use letters, digits, '.', '_' and '-' (up to 63 characters), starting with a letter or digit");
    Map<String, String> noValue = new HashMap<>();
    noValue.put("zone", null);
    assertRefused(
        () -> Labels.checked(noValue, "where"),
        "label 'zone' in where has no value",
        "send e.g. {\"zone\": \"eu-1\"}");
  }

  @Test
  void labelsAreSortedAndMatchWhenEveryWantedLabelIsThere() {
    assertThat(Labels.checked(Map.of("zone", "eu", "canary", "true"), "labels").keySet())
        .containsExactly("canary", "zone");
    assertThat(Labels.matches(Map.of("zone", "eu"), Map.of("zone", "eu", "canary", "true")))
        .isTrue();
    assertThat(Labels.matches(Map.of("zone", "eu"), Map.of("zone", "us"))).isFalse();
    assertThat(Labels.matches(Map.of(), Map.of())).isTrue();
  }

  private static RegisterBody register(String json) {
    return RegisterBody.fromWire(Json.parse(json));
  }

  private static SyncBody sync(String json) {
    return SyncBody.fromWire(Json.parse(json));
  }

  static void assertRefused(Runnable read, String message, String hint) {
    JLiveException e = catchThrowableOfType(JLiveException.class, read::run);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(e.hint()).isEqualTo(hint);
  }
}

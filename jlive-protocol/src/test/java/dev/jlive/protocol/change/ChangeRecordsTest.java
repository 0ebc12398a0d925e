package dev.jlive.protocol.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fleet change as the controller stores and shows it: round trips, the digest, and each rule
 * with its exact message.
 */
class ChangeRecordsTest {
  private static final String CHANGE =
      """
      {"id":"c7","number":7,"service":"shop","kind":"probe","description":"metrics probe on a.B#c",\
      "spec":{"selector":"a.B#c","kind":"metrics"},"where":{"zone":"eu"},"digest":"ab12","author":"ann",\
      "createdAt":"2026-12-01T10:00:00Z","state":"reverted","targets":["p1","p2"],"revertedBy":"bob","revertedAt":"2026-12-01T11:00:00Z"}""";
  private static final String SUMMARY =
      """
      {"id":"c7","number":7,"service":"shop","kind":"patch","description":"patch Cart.java","where":{},"digest":"ab12",\
      "author":"ann","createdAt":"2026-12-01T10:00:00Z","state":"active","targets":["p1"]}""";

  static List<Arguments> messages() {
    return List.of(
        Arguments.of("stored change", (Function<Object, JsonWritable>) Change::fromWire, CHANGE),
        Arguments.of(
            "change status",
            (Function<Object, JsonWritable>) ChangeStatus::fromWire,
            """
            {"change":%s,"results":[{"process":"p1","host":"web-1","pid":11,"state":"applied","localId":"x1"},\
            {"process":"p2","host":"web-2","pid":22,"state":"unreachable","message":"stopped syncing"},\
            {"process":"p3","state":"pending"}]}"""
                .formatted(SUMMARY)),
        Arguments.of(
            "change added",
            (Function<Object, JsonWritable>) ChangeAnswer::fromWire,
            "{\"change\":" + SUMMARY + ",\"created\":false}"),
        Arguments.of(
            "change reverted",
            (Function<Object, JsonWritable>) ChangeAnswer::fromWire,
            "{\"change\":" + SUMMARY + "}"),
        Arguments.of(
            "change list",
            (Function<Object, JsonWritable>) ChangeList::fromWire,
            "{\"service\":\"shop\",\"changes\":["
                + SUMMARY
                + ","
                + SUMMARY.replace("c7", "c6").replace("\"number\":7", "\"number\":6")
                + "]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void readsAndWritesTheSameJson(String name, Function<Object, JsonWritable> reader, String json) {
    assertThat(Json.write(reader.apply(Json.parse(json)).toJson())).isEqualTo(json);
  }

  @Test
  void theSummaryLeavesTheSpecOutAndARevertKeepsWhoAndWhen() {
    Change change = Change.fromWire(Json.parse(CHANGE));
    assertThat(change.summary().toJson()).doesNotContainKey("spec").containsEntry("digest", "ab12");
    Change active =
        Change.create(
            8,
            "shop",
            ChangeKind.PROBE,
            "d",
            Map.of("selector", "a.B#c"),
            Map.of(),
            "ann",
            "t0",
            List.of("p1"));
    assertThat(active.id()).isEqualTo("c8");
    assertThat(active.isActive()).isTrue();
    Change reverted = active.reverted("bob", "t1");
    assertThat(reverted.state()).isEqualTo(ChangeState.REVERTED);
    assertThat(reverted.toJson())
        .containsEntry("state", "reverted")
        .containsEntry("revertedBy", "bob")
        .containsEntry("revertedAt", "t1")
        .containsEntry("spec", Map.of("selector", "a.B#c"));
  }

  @Test
  void theDigestIsTheSameWhateverTheKeyOrderAndDiffersWithKindSpecOrWhere() {
    Map<String, Object> spec = Map.of("selector", "a.B#c", "kind", "metrics", "sampleOneIn", 10L);
    String digest = Change.digestOf(ChangeKind.PROBE, spec, Map.of("zone", "eu", "canary", "true"));
    assertThat(digest).hasSize(64).matches("[0-9a-f]+");
    assertThat(
            Change.digestOf(
                ChangeKind.PROBE,
                Json.parseObject(
                    "{\"sampleOneIn\":10,\"kind\":\"metrics\",\"selector\":\"a.B#c\"}"),
                Map.of("canary", "true", "zone", "eu")))
        .isEqualTo(digest);
    assertThat(Change.digestOf(ChangeKind.PATCH, spec, Map.of("zone", "eu", "canary", "true")))
        .isNotEqualTo(digest);
    assertThat(
            Change.digestOf(
                ChangeKind.PROBE,
                Map.of("selector", "a.B#d"),
                Map.of("zone", "eu", "canary", "true")))
        .isNotEqualTo(digest);
    assertThat(Change.digestOf(ChangeKind.PROBE, spec, Map.of("zone", "us", "canary", "true")))
        .isNotEqualTo(digest);
    // Pinned: the digest of a change stored by an earlier controller must stay the same, or a
    // change sent again is applied twice.
    assertThat(Change.digestOf(ChangeKind.PROBE, Map.of("selector", "a.B#c"), Map.of()))
        .isEqualTo(sha256("{\"kind\":\"probe\",\"spec\":{\"selector\":\"a.B#c\"},\"where\":{}}"));
  }

  @Test
  void changeRules() {
    assertRefused(
        () -> Change.fromWire(Json.parse("{\"kind\":\"probe\",\"state\":\"active\"}")),
        "the change needs 'id'",
        "send e.g. {\"id\": \"c1\"}");
    assertRefused(
        () -> Change.fromWire(Json.parse("{\"id\":\"c1\",\"state\":\"active\"}")),
        "the change needs 'kind'",
        "send e.g. {\"kind\": \"probe\"}");
    assertRefused(
        () -> Change.fromWire(Json.parse("{\"id\":\"c1\",\"kind\":\"probe\"}")),
        "the change needs 'state'",
        "send e.g. {\"state\": \"active\"}");
    assertRefused(
        () -> Change.fromWire(Json.parse("{\"id\":\"c1\",\"kind\":\"probe\",\"state\":\"gone\"}")),
        "the change: 'gone' is not a valid state",
        "choose active, reverted, proposed, rejected");
    assertRefused(
        () ->
            Change.fromWire(
                Json.parse(
                    "{\"id\":\"c1\",\"kind\":\"probe\",\"state\":\"active\",\"where\":{\"a/b\":\"x\"}}")),
        "'a/b' in where is not a label name",
        "use letters, digits, '.', '_' and '-'");
    assertRefused(
        () ->
            new Change(
                " ",
                1,
                null,
                ChangeKind.PROBE,
                null,
                null,
                null,
                null,
                null,
                null,
                ChangeState.ACTIVE,
                null,
                null,
                null),
        "the change needs 'id'",
        "the controller names changes c1, c2, ...");
    assertRefused(
        () ->
            new Change(
                "c1",
                1,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                ChangeState.ACTIVE,
                null,
                null,
                null),
        "the change c1 needs 'kind'",
        "probe or patch");
    assertRefused(
        () ->
            new Change(
                "c1",
                1,
                null,
                ChangeKind.PATCH,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null),
        "the change c1 needs 'state'",
        "active, reverted, proposed or rejected");
  }

  @Test
  void resultRules() {
    assertRefused(
        () ->
            ChangeStatus.fromWire(
                Json.parse("{\"change\":" + SUMMARY + ",\"results\":[{\"state\":\"applied\"}]}")),
        "the change status: results[0] needs 'process'",
        "send e.g. {\"process\": \"web-1-4242-1a2b3c4d\"}");
    assertRefused(
        () -> ChangeStatus.fromWire(Json.parse("{\"results\":[]}")),
        "the change status needs 'change'",
        "send e.g. {\"change\": {...}}");
    assertRefused(
        () -> new ProcessResult("p1", null, 0, null, null, null),
        "the result of process p1 needs 'state'",
        "e.g. applied");
    assertRefused(
        () -> new ProcessResult(null, null, 0, ProcessState.APPLIED, null, null),
        "a process result needs 'process'",
        "the controller names every process");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertRefused(Runnable read, String message, String hint) {
    JLiveException e = catchThrowableOfType(JLiveException.class, read::run);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(e.hint()).isEqualTo(hint);
  }
}

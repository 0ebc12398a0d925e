package dev.jlive.protocol.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.UnknownFields;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The answers of /v1/probes: each read from its JSON and written back the same, and each rule's
 * message.
 */
class ProbeAnswersTest {
  private static final String SPEC =
      "\"selector\":\"com.acme.Shop#checkout\",\"kind\":\"metrics\",\"at\":\"exit\",\"sampleOneIn\":1,"
          + "\"ratePerSecond\":100,\"maxHits\":0,\"ttlMillis\":600000,\"cpuPercent\":5.0,\"timeOneIn\":8";
  private static final String INSTALLED =
      "{\"class\":\"com.acme.Shop\",\"loader\":\"app\",\"methods\":[\"checkout(int)\"]}";
  private static final String ACTIVE =
      "{\"id\":\"p1\",\"state\":\"active\","
          + SPEC
          + ",\"author\":\"ann\","
          + "\"createdAt\":\"2026-11-25T10:00:00.123Z\",\"hits\":12,\"emitted\":0,\"dropped\":0,\"sampledOut\":0,\"failures\":0,"
          + "\"installedIn\":["
          + INSTALLED
          + "]}";
  private static final String DISABLED =
      "{\"id\":\"p2\",\"state\":\"disabled\",\"reason\":\"reached its limit of 5 calls\","
          + "\"selector\":\"com.acme.Shop#total\",\"kind\":\"log\",\"at\":\"entry\",\"template\":\"x={args[0]}\",\"author\":\"bo\","
          + "\"createdAt\":\"2026-11-25T10:00:00Z\",\"hits\":6,\"emitted\":5,\"dropped\":0,\"sampledOut\":0,\"failures\":1,"
          + "\"lastFailure\":\"java.lang.NullPointerException\",\"installedIn\":[]}";

  private static <T extends JsonWritable> void roundTrips(String json, Function<Object, T> reader) {
    assertThat(Json.write(reader.apply(Json.parse(json)).toJson())).isEqualTo(json);
  }

  private static void refused(String json, Function<Object, ?> reader, String message) {
    assertThatThrownBy(() -> reader.apply(Json.parse(json)))
        .isInstanceOf(JLiveException.class)
        .hasMessage(message);
  }

  @Test
  void aProbeRoundTripsWithItsSpecOnTheSameLevel() {
    roundTrips(ACTIVE, ProbeStatus::fromWire);
    roundTrips(DISABLED, ProbeStatus::fromWire);
    ProbeStatus probe = ProbeStatus.fromWire(Json.parse(ACTIVE));
    assertThat(probe.spec())
        .containsOnlyKeys(
            "selector",
            "kind",
            "at",
            "sampleOneIn",
            "ratePerSecond",
            "maxHits",
            "ttlMillis",
            "cpuPercent",
            "timeOneIn");
    assertThat(probe.specField("kind")).isEqualTo("metrics");
    assertThat(probe.state()).isEqualTo(ProbeState.ACTIVE);
  }

  @Test
  void theSpecsFieldsAreNotLoggedAsUnknown() {
    List<String> logged = new ArrayList<>();
    UnknownFields.logTo(logged::add);
    try {
      ProbeList.fromWire(Json.parse("{\"probes\":[" + ACTIVE + "]}"));
      assertThat(logged).isEmpty();
    } finally {
      UnknownFields.logTo(null);
    }
  }

  @Test
  void theProbeListRoundTrips() {
    roundTrips("{\"probes\":[" + ACTIVE + "," + DISABLED + "]}", ProbeList::fromWire);
    roundTrips("{\"probes\":[]}", ProbeList::fromWire);
  }

  @Test
  void theAddedProbeRoundTripsWithEachClassesOutcomeAndTheNotes() {
    String failed =
        "{\"class\":\"com.acme.Legacy\",\"loader\":\"app\",\"methods\":[\"checkout(int)\"],\"status\":\"failed\","
            + "\"error\":\"the JVM refused the retransformation\"}";
    String installed =
        INSTALLED.substring(0, INSTALLED.length() - 1) + ",\"status\":\"installed\"}";
    String added =
        ACTIVE.substring(0, ACTIVE.length() - 1)
            + ",\"classes\":["
            + installed
            + ","
            + failed
            + "],"
            + "\"notes\":[\"com.acme.Pricing is an interface: its 2 loaded implementations are probed\"]}";
    roundTrips(added, ProbeAdded::fromWire);
    String withoutNotes =
        ACTIVE.substring(0, ACTIVE.length() - 1) + ",\"classes\":[" + installed + "]}";
    roundTrips(withoutNotes, ProbeAdded::fromWire);
    ProbeAdded read = ProbeAdded.fromWire(Json.parse(added));
    assertThat(read.classes())
        .extracting(ClassReport::status)
        .containsExactly(ClassReport.Status.INSTALLED, ClassReport.Status.FAILED);
    assertThat(read.probe().spec()).doesNotContainKeys("classes", "notes");
  }

  @Test
  void theRemovalAnswerRoundTrips() {
    String answer = "{\"removed\":[{\"id\":\"p1\",\"removed\":true,\"hits\":12}]}";
    assertThat(Json.write(ProbeRemoved.answer(ProbeRemoved.fromAnswer(Json.parse(answer)))))
        .isEqualTo(answer);
  }

  // ---- validation, one test per rule ----

  @Test
  void aProbeNeedsItsIdAndState() {
    refused(ACTIVE.replace("\"id\":\"p1\",", ""), ProbeStatus::fromWire, "the probe needs 'id'");
    refused(
        ACTIVE.replace("\"state\":\"active\",", ""),
        ProbeStatus::fromWire,
        "the probe needs 'state'");
  }

  @Test
  void aStateThatIsNoneOfTheThreeIsRefusedWithTheChoices() {
    assertThatThrownBy(
            () -> ProbeStatus.fromWire(Json.parse(ACTIVE.replace("\"active\"", "\"sleeping\""))))
        .hasMessage("the probe: 'sleeping' is not a valid state")
        .extracting(e -> ((JLiveException) e).hint())
        .isEqualTo("choose waiting, active, disabled");
  }

  @Test
  void createdAtMustBeAnInstant() {
    refused(
        ACTIVE.replace("2026-11-25T10:00:00.123Z", "today"),
        ProbeStatus::fromWire,
        "the probe: 'createdAt' must be an ISO-8601 instant, not today");
  }

  @Test
  void countsAreNeverNegative() {
    refused(
        ACTIVE.replace("\"hits\":12", "\"hits\":-1"),
        ProbeStatus::fromWire,
        "the probe: 'hits' must be from 0 to 9223372036854775807, not -1");
  }

  @Test
  void aClassNeedsItsNameAndAKnownStatus() {
    refused(
        ACTIVE.replace("\"class\":\"com.acme.Shop\",", ""),
        ProbeStatus::fromWire,
        "the probe: installedIn[0] needs 'class'");
    String added =
        ACTIVE.substring(0, ACTIVE.length() - 1)
            + ",\"classes\":[{\"class\":\"A\",\"status\":\"maybe\"}]}";
    refused(
        added, ProbeAdded::fromWire, "the added probe: classes[0]: 'maybe' is not a valid status");
  }

  @Test
  void theProbeListMustBeAList() {
    refused(
        "{\"probes\":{}}",
        ProbeList::fromWire,
        "the probe list: 'probes' must be an array of objects");
    refused(
        "{\"probes\":[1]}",
        ProbeList::fromWire,
        "the probe list: probes[0] must be a JSON object, not the number 1");
  }

  @Test
  void aRemovedProbeNeedsItsId() {
    refused(
        "{\"removed\":[{\"hits\":1}]}",
        ProbeRemoved::fromAnswer,
        "the removal answer: removed[0] needs 'id'");
  }
}

package dev.jlive.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The event vocabulary: each type read from its JSON and written back the same, and each rule's
 * message.
 */
class EventRecordsTest {
  private static final String LOG_LINE =
      "{\"seq\":41,\"probe\":\"p1\",\"time\":\"2026-11-25T10:00:01.250Z\",\"thread\":\"http-1\","
          + "\"method\":\"com.acme.Shop#checkout(int)\",\"at\":\"entry\",\"message\":\"qty=3\"}";
  private static final String SNAPSHOT =
      "{\"seq\":42,\"probe\":\"p2\",\"time\":\"2026-11-25T10:00:02Z\",\"thread\":\"main\","
          + "\"method\":\"com.acme.Shop#total()\",\"at\":\"exit\",\"data\":{\"this\":{\"items\":3},\"args\":[],\"returned\":12,"
          + "\"elapsedMillis\":0.02}}";

  private static <T extends JsonWritable> void roundTrips(String json, Function<Object, T> reader) {
    assertThat(Json.write(reader.apply(Json.parse(json)).toJson())).isEqualTo(json);
  }

  private static void refused(String json, Function<Object, ?> reader, String message) {
    assertThatThrownBy(() -> reader.apply(Json.parse(json)))
        .isInstanceOf(JLiveException.class)
        .hasMessage(message);
  }

  @Test
  void logLinesAndSnapshotsRoundTrip() {
    roundTrips(LOG_LINE, ProbeEvent::fromWire);
    roundTrips(SNAPSHOT, ProbeEvent::fromWire);
  }

  @Test
  void aSnapshotKeepsTheOrderItWasRenderedIn() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("z", 1L);
    data.put("a", 2L);
    ProbeEvent event = new ProbeEvent(1, "p1", 0, "main", "A#b()", "entry", null, data);
    assertThat(Json.write(event.toJson().get("data"))).isEqualTo("{\"z\":1,\"a\":2}");
    assertThatThrownBy(() -> event.data().put("b", 3L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theAgentsEventsAnswerRoundTrips() {
    roundTrips(
        "{\"events\":[" + LOG_LINE + "," + SNAPSHOT + "],\"last\":42,\"missed\":3}",
        EventsAnswer::fromWire);
    roundTrips("{\"events\":[],\"last\":-1,\"missed\":0}", EventsAnswer::fromWire);
  }

  @Test
  void aFleetEventCarriesItsChangeFirst() {
    String tagged = "{\"change\":\"c7\"," + LOG_LINE.substring(1);
    roundTrips(tagged, FleetEvent::fromWire);
    assertThat(FleetEvent.fromWire(Json.parse(tagged)).event())
        .isEqualTo(ProbeEvent.fromWire(Json.parse(LOG_LINE)));
  }

  @Test
  void theServicesEventsRoundTripWithTheProcessAndTheTimeInMillis() {
    String located =
        "{\"process\":\"a1\",\"host\":\"web-1\",\"pid\":11,\"change\":\"c7\","
            + LOG_LINE.substring(1, LOG_LINE.length() - 1)
            + ",\"timeMillis\":1795600801250}";
    roundTrips("{\"events\":[" + located + "],\"last\":1795600801250}", ServiceEvents::fromWire);
    ServiceEvent event =
        ServiceEvents.fromWire(Json.parse("{\"events\":[" + located + "],\"last\":0}"))
            .events()
            .get(0);
    assertThat(event.timeMillis()).isEqualTo(1795600801250L);
    assertThat(event.event().change()).isEqualTo("c7");
  }

  // ---- validation, one test per rule ----

  @Test
  void anEventNeedsEachOfItsFields() {
    for (String field : List.of("seq", "probe", "time", "thread", "method", "at")) {
      Map<String, Object> json = new LinkedHashMap<>(Json.parseObject(LOG_LINE));
      json.remove(field);
      refused(Json.write(json), ProbeEvent::fromWire, "the probe event needs '" + field + "'");
    }
  }

  @Test
  void anEventsTimeMustBeAnInstant() {
    refused(
        LOG_LINE.replace("2026-11-25T10:00:01.250Z", "yesterday"),
        ProbeEvent::fromWire,
        "the probe event: 'time' must be an ISO-8601 instant, not yesterday");
  }

  @Test
  void aSequenceIsNeverNegative() {
    refused(
        LOG_LINE.replace("\"seq\":41", "\"seq\":-1"),
        ProbeEvent::fromWire,
        "the probe event: 'seq' must be from 0 to 9223372036854775807, not -1");
  }

  @Test
  void theEventsAnswerNeedsItsCursor() {
    refused(
        "{\"events\":[],\"missed\":0}", EventsAnswer::fromWire, "the events answer needs 'last'");
    refused(
        "{\"events\":[],\"last\":-2}",
        EventsAnswer::fromWire,
        "the events answer: 'last' must be from -1 to 9223372036854775807, not -2");
  }

  @Test
  void aFleetEventNeedsItsChange() {
    refused(LOG_LINE, FleetEvent::fromWire, "the fleet event needs 'change'");
  }

  @Test
  void aServiceEventNeedsItsProcessAndTheStreamItsCursor() {
    refused(
        "{\"events\":[{\"change\":\"c7\"," + LOG_LINE.substring(1) + "],\"last\":0}",
        ServiceEvents::fromWire,
        "the service's events: events[0] needs 'process'");
    refused("{\"events\":[]}", ServiceEvents::fromWire, "the service's events needs 'last'");
  }
}

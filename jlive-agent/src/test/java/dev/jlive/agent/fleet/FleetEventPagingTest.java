package dev.jlive.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.ChangeKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sync carries at most so many bytes of events; the rest follow in later syncs, each event once.
 */
class FleetEventPagingTest {
  private static final Map<String, String> FLEET_IDS = Map.of("p1", "c1");

  /**
   * An event log of the given message sizes, all of probe p1 but every fourth of a local probe p9.
   */
  private static FleetTarget log(List<Integer> sizes) {
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      long seq = i + 1;
      events.add(
          Map.of(
              "seq",
              seq,
              "probe",
              seq % 4 == 0 ? "p9" : "p1",
              "message",
              "m".repeat(sizes.get(i))));
    }
    return new FleetTarget() {
      @Override
      public String apply(ChangeKind kind, Map<String, Object> spec, String author) {
        return "p1";
      }

      @Override
      public void revert(String localId, String why) {}

      @Override
      public String notLive(String localId) {
        return null;
      }

      @Override
      public Map<String, Object> metrics(String localId) {
        return null;
      }

      @Override
      public long nextEventSequence() {
        return events.size() + 1;
      }

      @Override
      public Events events(long after, int limit) {
        List<Map<String, Object>> slice = new ArrayList<>();
        long last = after;
        for (Map<String, Object> event : events) {
          long seq = (Long) event.get("seq");
          if (seq > after && slice.size() < limit) {
            slice.add(event);
            last = seq;
          }
        }
        return new Events(slice, last);
      }
    };
  }

  private static int jsonBytes(List<Map<String, Object>> events) {
    return Json.write(events).getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void largeEventsArePagedWithinTheByteBoundAndEachIsSentOnce() {
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      sizes.add(50_000);
    }
    FleetTarget target = log(sizes);
    List<Object> sent = new ArrayList<>();
    long cursor = 0;
    int pages = 0;
    FleetLink.EventBatch page;
    do {
      page =
          FleetLink.eventPage(
              FLEET_IDS,
              target,
              cursor,
              FleetLink.MAX_EVENTS_PER_SYNC,
              FleetLink.MAX_EVENT_BYTES_PER_SYNC);
      assertThat(jsonBytes(page.events())).isLessThanOrEqualTo(FleetLink.MAX_EVENT_BYTES_PER_SYNC);
      page.events().forEach(event -> sent.add(event.get("seq")));
      cursor = page.cursor();
      pages++;
    } while (page.more());
    // 300 of the 400 are the fleet's; about 20 of 50 KB fit in 1 MB.
    assertThat(sent).hasSize(300).doesNotHaveDuplicates();
    assertThat(pages).isBetween(15, 16);
    assertThat(page.dropped()).isZero();
  }

  @Test
  void anEventLargerThanAWholePageIsDroppedAndCounted() {
    FleetTarget target = log(List.of(10, 2 << 20, 10));
    FleetLink.EventBatch page =
        FleetLink.eventPage(
            FLEET_IDS,
            target,
            0,
            FleetLink.MAX_EVENTS_PER_SYNC,
            FleetLink.MAX_EVENT_BYTES_PER_SYNC);
    assertThat(page.events()).extracting(event -> event.get("seq")).containsExactly(1L, 3L);
    assertThat(page.dropped()).isEqualTo(1L);
    assertThat(page.more()).isFalse();
    assertThat(page.cursor()).isEqualTo(3L);
  }

  @Test
  void withoutABoundInBytesOnePageWouldBeFarOverTheControllersLimit() {
    // Control: the same log paged by count alone (500 events) carries about 15 MB.
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      sizes.add(50_000);
    }
    FleetLink.EventBatch page =
        FleetLink.eventPage(
            FLEET_IDS, log(sizes), 0, FleetLink.MAX_EVENTS_PER_SYNC, Integer.MAX_VALUE);
    assertThat(jsonBytes(page.events())).isGreaterThan(14_000_000);
  }
}

package dev.jlive.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.event.FleetEvent;
import dev.jlive.protocol.event.ProbeEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A process's kept events stay within their bytes, oldest out first, and what went is counted. */
class KeptEventsTest {

  private static List<Object> events(int from, int count, int messageChars) {
    List<Object> events = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      events.add(event(i, "m".repeat(messageChars)));
    }
    return events;
  }

  private static Map<String, Object> event(long seq, String message) {
    return new FleetEvent(
            "c1",
            new ProbeEvent(
                seq, "p1", 0L, "main", "com.acme.Shop#checkout()", "entry", message, null))
        .toJson();
  }

  @Test
  void largeEventsArePushedOutByBytesBeforeTheCountBoundIsReached() {
    KeptEvents kept = new KeptEvents(200, 512 * 1024);
    kept.add(events(1, 100, 20_000), 0);
    // About 26 events of 20 KB fit in 512 KB; the newest stay.
    assertThat(kept.bytes()).isLessThanOrEqualTo(512 * 1024L);
    assertThat(kept.list()).hasSizeBetween(24, 26).last().isEqualTo(event(100, "m".repeat(20_000)));
    assertThat(kept.dropped()).isEqualTo(100L - kept.list().size());
  }

  @Test
  void smallEventsAreBoundByCountAndTheAgentsDropsAreAdded() {
    KeptEvents kept = new KeptEvents(200, 512 * 1024);
    kept.add(events(1, 250, 10), 7);
    assertThat(kept.list()).hasSize(200);
    assertThat(kept.dropped()).isEqualTo(50L + 7L);
  }

  @Test
  void anEventThatCannotBeReadIsCountedAsDroppedAndTheOthersAreKept() {
    KeptEvents kept = new KeptEvents(200, 512 * 1024);
    Map<String, Object> withoutChange = new HashMap<>(event(2, "no change"));
    withoutChange.remove("change");
    kept.add(List.of(event(1, "first"), withoutChange, Map.of("seq", "3"), event(4, "last")), 0);
    assertThat(kept.list()).containsExactly(event(1, "first"), event(4, "last"));
    assertThat(kept.dropped()).isEqualTo(2);
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.event.ProbeEvent;
import org.junit.jupiter.api.Test;

/**
 * The event ring is bounded by bytes as well as by count, and releases a probe's events on demand.
 */
class EventLogTest {

  private static long append(EventLog log, String probe, String message) {
    int size = EventLog.estimate("main", "Shop#work", message, null);
    log.append(
        size,
        sequence ->
            new ProbeEvent(sequence, probe, 0L, "main", "Shop#work", "entry", message, null));
    return size;
  }

  @Test
  void theOldestEventsGoWhenTheBytesRunOut() {
    EventLog log = new EventLog(10_000, 100_000);
    String message = "m".repeat(1_000);
    for (int i = 0; i < 1_000; i++) {
      append(log, "p1", message);
    }
    assertThat(log.bytes()).isLessThanOrEqualTo(100_000L);
    EventLog.Slice all = log.since(0, null, 10_000);
    // Each event is estimated at a bit over 2 KB: fewer than 50 fit, the rest were dropped and are
    // reported missed.
    assertThat(all.events()).hasSizeBetween(40, 50);
    assertThat(all.missed()).isEqualTo(1_000L - all.events().size());
    assertThat(all.events().get(all.events().size() - 1).sequence()).isEqualTo(1_000L);
  }

  @Test
  void theCountBoundStillHolds() {
    EventLog log = new EventLog(10, EventLog.MAX_BYTES);
    for (int i = 0; i < 25; i++) {
      append(log, "p1", "x");
    }
    EventLog.Slice all = log.since(0, null, 100);
    assertThat(all.events())
        .extracting(ProbeEvent::sequence)
        .containsExactly(16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L, 24L, 25L);
    assertThat(all.missed()).isEqualTo(15L);
  }

  @Test
  void releasingAProbesEventsFreesTheirBytesAndKeepsOthers() {
    EventLog log = new EventLog(1_000, EventLog.MAX_BYTES);
    long each = 0;
    for (int i = 0; i < 100; i++) {
      each = append(log, "p1", "big".repeat(300));
      append(log, "p2", "small");
    }
    long before = log.bytes();
    log.release("p1", 3 * each);
    assertThat(log.since(0, "p1", 1_000).events())
        .hasSize(3)
        .extracting(ProbeEvent::sequence)
        .containsExactly(195L, 197L, 199L);
    assertThat(log.bytes()).isEqualTo(before - 97 * each);
    log.release("p1", 0);
    assertThat(log.since(0, "p1", 1_000).events()).isEmpty();
    assertThat(log.since(0, "p2", 1_000).events()).hasSize(100);
    assertThat(log.since(0, null, 1_000).missed()).isZero();
  }

  /** {@code jlive tail p1 --last 3} while p2 keeps logging: the last three of p1, not none. */
  @Test
  void theNewestEventsOfOneProbeAreCountedAmongItsOwn() {
    EventLog log = new EventLog(1_000, EventLog.MAX_BYTES);
    for (int i = 0; i < 5; i++) {
      append(log, "p1", "one-" + i);
    }
    for (int i = 0; i < 50; i++) {
      append(log, "p2", "two-" + i);
    }
    long after = log.beforeNewest("p1", 3);
    assertThat(log.since(after, "p1", 100).events())
        .extracting(ProbeEvent::message)
        .containsExactly("one-2", "one-3", "one-4");
    assertThat(log.since(log.beforeNewest(null, 2), null, 100).events())
        .extracting(ProbeEvent::message)
        .containsExactly("two-48", "two-49");
    assertThat(log.since(log.beforeNewest("p1", 0), "p1", 100).events()).isEmpty();
  }

  @Test
  void theBoundFollowsTheHeap() {
    assertThat(EventLog.boundFor(16L << 20)).isEqualTo(EventLog.MIN_BYTES);
    assertThat(EventLog.boundFor(64L << 20)).isEqualTo(2L << 20);
    assertThat(EventLog.boundFor(256L << 20)).isEqualTo(8L << 20);
    assertThat(EventLog.boundFor(64L << 30)).isEqualTo(EventLog.MAX_BYTES);
  }
}

package dev.jlive.agent.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent probe events, for {@code jlive tail}: a fixed ring, so the agent's memory does
 * not grow with a chatty probe; readers ask for what came after the last sequence they saw and
 * learn how many they missed.
 */
final class EventLog {
  private final ProbeEvent[] ring;
  private long next = 1;

  EventLog(int capacity) {
    this.ring = new ProbeEvent[capacity];
  }

  synchronized long nextSequence() {
    return next;
  }

  /** Appends an event built for the next sequence number. */
  synchronized ProbeEvent append(java.util.function.LongFunction<ProbeEvent> event) {
    ProbeEvent made = event.apply(next);
    ring[(int) (next % ring.length)] = made;
    next++;
    return made;
  }

  /**
   * Events after {@code after}, oldest first, of one probe or all (null).
   *
   * @return the events and the sequence to ask from next time
   */
  synchronized Slice since(long after, String probe, int limit) {
    long oldest = Math.max(1, next - ring.length);
    long wanted = Math.max(1, after + 1);
    long from = Math.max(wanted, oldest);
    long missed = Math.max(0, oldest - wanted);
    List<ProbeEvent> events = new ArrayList<>();
    long sequence = from;
    for (; sequence < next && events.size() < limit; sequence++) {
      ProbeEvent event = ring[(int) (sequence % ring.length)];
      if (event != null && (probe == null || probe.equals(event.probe()))) {
        events.add(event);
      }
    }
    return new Slice(events, sequence - 1, missed);
  }

  record Slice(List<ProbeEvent> events, long last, long missed) {}
}

package dev.jlive.agent.probe;

import dev.jlive.protocol.event.ProbeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The most recent probe events, for {@code jlive tail} and the fleet link: a ring bounded by count
 * and by bytes, so the agent's memory does not grow with a chatty probe or a large value. Readers
 * ask for what came after the last sequence they saw and learn how many they missed.
 *
 * <p>An event's size is estimated once, when it is made ({@link #estimate}): an upper bound of what
 * its strings, maps and lists hold on a 64-bit JVM, not a measurement. The ring drops its oldest
 * events to stay within {@link #maxBytes}; each probe may make at most {@link #probeBytesPerSecond}
 * bytes of events a second, or it turns itself off (see {@link Probe#madeEvent}), so one probe
 * cannot churn the heap. The events of a probe that is removed are released at once; of one that
 * turned itself off, only the newest few are kept, to show what it did.
 */
final class EventLog {
  /**
   * The total bound is this fraction of the maximum heap, within {@link #MIN_BYTES} and {@link
   * #MAX_BYTES}.
   */
  static final int HEAP_FRACTION = 32;

  static final long MIN_BYTES = 1L << 20;
  static final long MAX_BYTES = 32L << 20;

  /** What a disabled probe keeps, for {@code jlive tail} to show why. */
  static final long KEPT_AFTER_DISABLE_BYTES = 64L << 10;

  private static final int OBJECT_BYTES = 16;
  private static final int STRING_BYTES = 40;
  private static final int ENTRY_BYTES = 40;
  private static final int REFERENCE_BYTES = 8;
  private static final int EVENT_BYTES = 96;

  private final ProbeEvent[] ring;
  private final int[] sizes;
  private final long maxBytes;
  private long bytes;
  private long next = 1;

  /** The oldest sequence not yet dropped for room (later ones may have been released). */
  private long oldest = 1;

  EventLog(int capacity, long maxBytes) {
    this.ring = new ProbeEvent[capacity];
    this.sizes = new int[capacity];
    this.maxBytes = maxBytes;
  }

  /** The bound for a JVM whose heap may grow to {@code maxHeapBytes}. */
  static long boundFor(long maxHeapBytes) {
    return Math.max(MIN_BYTES, Math.min(MAX_BYTES, maxHeapBytes / HEAP_FRACTION));
  }

  long maxBytes() {
    return maxBytes;
  }

  /**
   * Half the ring a second: a probe past it would push every other probe's events out within two
   * seconds.
   */
  long probeBytesPerSecond() {
    return maxBytes / 2;
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized long nextSequence() {
    return next;
  }

  /**
   * Appends an event built for the next sequence number, dropping the oldest events for room.
   *
   * @param size the event's {@link #estimate}
   */
  synchronized ProbeEvent append(int size, LongFunction<ProbeEvent> event) {
    ProbeEvent made = event.apply(next);
    if (next - oldest >= ring.length) {
      drop(oldest++);
    }
    while (bytes + size > maxBytes && oldest < next) {
      drop(oldest++);
    }
    int slot = (int) (next % ring.length);
    ring[slot] = made;
    sizes[slot] = size;
    bytes += size;
    next++;
    return made;
  }

  private void drop(long sequence) {
    int slot = (int) (sequence % ring.length);
    if (ring[slot] != null) {
      bytes -= sizes[slot];
      ring[slot] = null;
      sizes[slot] = 0;
    }
  }

  /**
   * Releases a probe's events but its newest, up to {@code keepBytes} of them (0: all). Later
   * readers see the released ones as gone, not as missed.
   */
  synchronized void release(String probe, long keepBytes) {
    long kept = 0;
    for (long sequence = next - 1; sequence >= oldest; sequence--) {
      int slot = (int) (sequence % ring.length);
      ProbeEvent event = ring[slot];
      if (event != null && probe.equals(event.probe())) {
        kept += sizes[slot];
        if (kept > keepBytes) {
          drop(sequence);
        }
      }
    }
  }

  /**
   * Events after {@code after}, oldest first, of one probe or all (null).
   *
   * @return the events and the sequence to ask from next time
   */
  synchronized Slice since(long after, String probe, int limit) {
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

  /**
   * The sequence to read after so that the {@code count} newest events of one probe (or of all, for
   * null) come first: counted among that probe's events, not all of them, so newer events of other
   * probes do not push them out.
   */
  synchronized long beforeNewest(String probe, int count) {
    long sequence = next - 1;
    for (int found = 0; sequence >= oldest && found < count; sequence--) {
      ProbeEvent event = ring[(int) (sequence % ring.length)];
      if (event != null && (probe == null || probe.equals(event.probe()))) {
        found++;
      }
    }
    return sequence;
  }

  /** An upper bound of the heap an event with these parts holds. */
  static int estimate(String thread, String method, String message, Map<String, Object> data) {
    long size =
        EVENT_BYTES + estimate(thread) + estimate(method) + estimate(message) + estimate(data, 0);
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  private static long estimate(Object value, int depth) {
    if (value == null) {
      return 0;
    }
    if (value instanceof String text) {
      return estimate(text);
    }
    if (depth > 64) {
      // Renderer trees are shallow; a deep one is not ours to walk on.
      return OBJECT_BYTES;
    }
    if (value instanceof Map<?, ?> map) {
      long size = OBJECT_BYTES * 4;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        size +=
            ENTRY_BYTES
                + estimate(entry.getKey(), depth + 1)
                + estimate(entry.getValue(), depth + 1);
      }
      return size;
    }
    if (value instanceof List<?> list) {
      long size = OBJECT_BYTES * 3;
      for (Object item : list) {
        size += REFERENCE_BYTES + estimate(item, depth + 1);
      }
      return size;
    }
    return OBJECT_BYTES * 2;
  }

  /** Two bytes a char: the upper bound, whether the string is stored compact or not. */
  private static long estimate(String text) {
    return text == null ? 0 : STRING_BYTES + 2L * text.length();
  }
}

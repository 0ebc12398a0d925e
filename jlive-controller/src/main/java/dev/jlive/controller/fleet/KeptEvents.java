package dev.jlive.controller.fleet;

import dev.jlive.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The newest events of one process, as the controller keeps them for {@code tail --service}:
 * bounded by count and by their bytes as JSON, so that the node they are written to stays under
 * ZooKeeper's limit on a node (1 MB by default) and a process with large events cannot grow the
 * controller's heap. The oldest go first; how many went, and how many the agent could not send,
 * is counted. Not thread-safe: the lease's lock guards it.
 */
final class KeptEvents {
  private final int maxEvents;
  private final long maxBytes;
  private final Deque<Object> events = new ArrayDeque<>();
  private final Deque<Integer> sizes = new ArrayDeque<>();
  private long bytes;
  private long dropped;

  KeptEvents(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  void add(List<?> more, long droppedByAgent) {
    dropped += droppedByAgent;
    for (Object event : more) {
      int size = Json.write(event).getBytes(StandardCharsets.UTF_8).length + 1;
      events.addLast(event);
      sizes.addLast(size);
      bytes += size;
    }
    while (!events.isEmpty() && (events.size() > maxEvents || bytes > maxBytes)) {
      events.removeFirst();
      bytes -= sizes.removeFirst();
      dropped++;
    }
  }

  List<Object> list() {
    return new ArrayList<>(events);
  }

  long bytes() {
    return bytes;
  }

  /** Events that were made but are not kept: pushed out here, or too large for the agent to send. */
  long dropped() {
    return dropped;
  }
}

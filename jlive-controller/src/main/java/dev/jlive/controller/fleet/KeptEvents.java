package dev.jlive.controller.fleet;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.event.FleetEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The newest events of one process, as the controller keeps them for {@code tail --service}:
 * bounded by count and by their bytes as JSON, so that the node they are written to stays under
 * ZooKeeper's limit on a node (1 MB by default) and a process with large events cannot grow the
 * controller's heap. The oldest go first; how many went, and how many the agent could not send, is
 * counted. Not thread-safe: the lease's lock guards it.
 */
final class KeptEvents {
  private final int maxEvents;
  private final long maxBytes;
  private final Deque<Kept> events = new ArrayDeque<>();
  private long bytes;
  private long dropped;

  /** An event in the form it is written to the store, and its size there. */
  private record Kept(Map<String, Object> json, int size) {}

  KeptEvents(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /**
   * Adds the events of a sync, each read as a {@link FleetEvent}. One that cannot be read is not
   * kept but counted as dropped, and the rest of the sync goes on: refusing the sync would make the
   * agent send the same event again forever, and its changes would stop converging.
   */
  void add(List<?> more, long droppedByAgent) {
    dropped += droppedByAgent;
    for (Object item : more) {
      Map<String, Object> event;
      try {
        event = FleetEvent.fromWire(item).toJson();
      } catch (JLiveException unreadable) {
        dropped++;
        continue;
      }
      int size = Json.write(event).getBytes(StandardCharsets.UTF_8).length + 1;
      events.addLast(new Kept(event, size));
      bytes += size;
    }
    while (!events.isEmpty() && (events.size() > maxEvents || bytes > maxBytes)) {
      bytes -= events.removeFirst().size();
      dropped++;
    }
  }

  List<Object> list() {
    List<Object> list = new ArrayList<>(events.size());
    events.forEach(kept -> list.add(kept.json()));
    return list;
  }

  long bytes() {
    return bytes;
  }

  /**
   * Events that were made but are not kept: pushed out here, or too large for the agent to send.
   */
  long dropped() {
    return dropped;
  }
}

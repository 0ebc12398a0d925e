package dev.jlive.protocol.event;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's answer to {@code GET /v1/events}: events after the asked sequence, oldest first.
 *
 * @param last the sequence to ask after next time
 * @param missed events that were overwritten in the agent's log before this reader asked
 */
public record EventsAnswer(List<ProbeEvent> events, long last, long missed)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("events", "last", "missed");

  public EventsAnswer {
    events = List.copyOf(events);
  }

  public static EventsAnswer fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the events answer", FIELDS);
    List<ProbeEvent> events = new ArrayList<>();
    for (StrictObject event : body.optionalObjects("events", ProbeEvent.FIELDS)) {
      events.add(ProbeEvent.read(event));
    }
    // -1: nothing was logged yet, so the next read starts at the first sequence (0).
    return new EventsAnswer(
        events,
        body.requireLong("last", -1, Long.MAX_VALUE),
        body.optionalLong("missed", 0, 0, Long.MAX_VALUE));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("events", events)
        .put("last", last)
        .put("missed", missed)
        .toMap();
  }
}

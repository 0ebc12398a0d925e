package dev.jlive.protocol.event;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The controller's answer to a service's events: the events of every live process, oldest first.
 *
 * @param last the time (epoch milliseconds) to ask after next time
 */
public record ServiceEvents(List<ServiceEvent> events, long last) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("events", "last");

  public ServiceEvents {
    events = List.copyOf(events);
  }

  public static ServiceEvents fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the service's events", FIELDS);
    List<ServiceEvent> events = new ArrayList<>();
    for (StrictObject event : body.optionalObjects("events", ServiceEvent.FIELDS)) {
      events.add(ServiceEvent.read(event));
    }
    return new ServiceEvents(events, body.requireLong("last", Long.MIN_VALUE, Long.MAX_VALUE));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("events", events).put("last", last).toMap();
  }
}

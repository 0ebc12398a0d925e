package dev.jlive.protocol.event;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A probe event of a fleet probe, tagged with the change it belongs to: what an agent sends the
 * controller in its syncs and what the controller keeps per process. On the wire the change comes
 * first, then the event's own fields on the same level.
 */
public record FleetEvent(String change, ProbeEvent event) implements JsonWritable {
  public static final Set<String> FIELDS = with(ProbeEvent.FIELDS, "change");

  public static FleetEvent fromWire(Object json) {
    return read(StrictObject.tolerant(json, "the fleet event", FIELDS));
  }

  static FleetEvent read(StrictObject body) {
    return new FleetEvent(body.requireString("change", "\"c1\""), ProbeEvent.read(body));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("change", change).putAll(event.toJson()).toMap();
  }

  static Set<String> with(Set<String> fields, String... more) {
    Set<String> all = new HashSet<>(fields);
    all.addAll(Set.of(more));
    return Set.copyOf(all);
  }
}

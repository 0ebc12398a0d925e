package dev.jlive.protocol.event;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * A fleet event with the process that saw it, as {@code tail --service} shows it: process, host and
 * pid, the tagged event's fields, and its time in epoch milliseconds ({@code "timeMillis"}, the
 * cursor of the service's event stream).
 *
 * @param host null when the process did not say
 * @param pid null when the process did not say
 */
public record ServiceEvent(String process, String host, Long pid, FleetEvent event)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      FleetEvent.with(FleetEvent.FIELDS, "process", "host", "pid", "timeMillis");

  static ServiceEvent read(StrictObject body) {
    Long pid = body.has("pid") ? body.optionalLong("pid", 0, 0, Long.MAX_VALUE) : null;
    // timeMillis is the event's time again, written for scripts: the record keeps it once.
    body.optionalLong("timeMillis", 0, Long.MIN_VALUE, Long.MAX_VALUE);
    return new ServiceEvent(
        body.requireString("process", "\"a1b2\""),
        body.optionalString("host"),
        pid,
        FleetEvent.read(body));
  }

  public long timeMillis() {
    return event.event().timeMillis();
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("process", process)
        .put("host", host)
        .put("pid", pid)
        .putAll(event.toJson())
        .put("timeMillis", timeMillis())
        .toMap();
  }
}

package dev.jlive.protocol.fleet;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/agents/sync}: a heartbeat, a report and a long poll in one (see {@link
 * FleetApi}).
 *
 * <p>{@code metrics} (change id to the agent's {@code /v1/metrics} entry of that probe) and {@code
 * events} (the agent's events, each tagged with its {@code change}) are passed through as they are:
 * the controller stores them for the service's merged output and reads only what it needs there.
 * Their payload types live in {@code dev.jlive.protocol.metrics} and {@code .event}.
 *
 * @param desiredVersion the last desired version the agent saw, -1 for none yet
 * @param waitMillis how long the controller may hold the poll when nothing changed
 * @param changes the state of every fleet change in the process, by change id
 * @param eventsDropped events too large for any sync, which the controller will never see
 * @param shadows the shadow report of every fleet shadow in the process ({@code GET
 *     /v1/shadows?id=}), by change id, passed through as it is (protocol 3)
 */
public record SyncBody(
    int protocolVersion,
    String process,
    long desiredVersion,
    long waitMillis,
    Map<String, ChangeReport> changes,
    Map<String, Object> metrics,
    List<Map<String, Object>> events,
    long eventsDropped,
    Map<String, Object> shadows)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "protocolVersion",
          "process",
          "desiredVersion",
          "waitMillis",
          "changes",
          "metrics",
          "events",
          "eventsDropped",
          "shadows");
  private static final String WHAT = "the sync body";

  public SyncBody {
    if (protocolVersion < FleetApi.FIRST_PROTOCOL_VERSION) {
      throw Wire.bad(
          WHAT + ": 'protocolVersion' must be 1 or more, not " + protocolVersion,
          "leave it out for protocol 1");
    }
    Wire.text(process, WHAT, "process");
    if (desiredVersion < -1) {
      throw Wire.bad(
          WHAT + ": 'desiredVersion' must be -1 (none seen yet) or more, not " + desiredVersion,
          "send the desiredVersion of the last sync answer");
    }
    if (waitMillis < 0) {
      throw Wire.bad(
          WHAT + ": 'waitMillis' must be 0 or more, not " + waitMillis,
          "send 0 to be answered at once");
    }
    if (eventsDropped < 0) {
      throw Wire.bad(
          WHAT + ": 'eventsDropped' must be 0 or more, not " + eventsDropped,
          "leave it out when none were dropped");
    }
    changes = Wire.copy(changes);
    metrics = Wire.copy(metrics);
    events = events == null ? List.of() : List.copyOf(events);
    shadows = Wire.copy(shadows);
  }

  /** A sync from a process that runs no shadow. */
  public SyncBody(
      int protocolVersion,
      String process,
      long desiredVersion,
      long waitMillis,
      Map<String, ChangeReport> changes,
      Map<String, Object> metrics,
      List<Map<String, Object>> events,
      long eventsDropped) {
    this(
        protocolVersion,
        process,
        desiredVersion,
        waitMillis,
        changes,
        metrics,
        events,
        eventsDropped,
        Map.of());
  }

  /** Reads an agent's sync: unknown fields (a newer agent's) are ignored and logged once. */
  @SuppressWarnings("unchecked")
  public static SyncBody fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, WHAT, FIELDS);
    return new SyncBody(
        Wire.intValue(
            body.optionalLong(
                "protocolVersion", FleetApi.FIRST_PROTOCOL_VERSION, 0, Integer.MAX_VALUE)),
        body.requireString("process", "\"web-1-4242-1a2b3c4d\""),
        body.optionalLong("desiredVersion", -1, -1, Long.MAX_VALUE),
        body.optionalLong("waitMillis", 0, 0, Long.MAX_VALUE),
        Wire.objectsById(
            body,
            "changes",
            "a change report of the sync body",
            ChangeReport.FIELDS,
            ChangeReport::read),
        Wire.rawObject(body, "metrics"),
        Wire.rawObjects((Map<String, Object>) json, body, "events"),
        body.optionalLong("eventsDropped", 0, 0, Long.MAX_VALUE),
        Wire.rawObject(body, "shadows"));
  }

  /** The same report without its events and with no wait: what a keep-alive repeats. */
  public SyncBody keepAlive() {
    return new SyncBody(
        protocolVersion, process, desiredVersion, 0, changes, metrics, List.of(), 0, shadows);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("protocolVersion", protocolVersion)
        .put("process", process)
        .put("desiredVersion", desiredVersion)
        .put("waitMillis", waitMillis)
        .put("changes", changes)
        .put("metrics", metrics)
        .put("events", events)
        .putIf(eventsDropped > 0, "eventsDropped", eventsDropped)
        .putIf(!shadows.isEmpty(), "shadows", shadows)
        .toMap();
  }
}

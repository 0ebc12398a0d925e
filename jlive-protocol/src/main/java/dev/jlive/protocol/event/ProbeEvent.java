package dev.jlive.protocol.event;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * One thing a probe saw: a log line or a snapshot, numbered in the order of the agent's event log.
 * What {@code GET /v1/events} and {@code jlive tail} carry. Agents make these on application
 * threads, so the record checks nothing that costs: what a peer sends is checked when it is read
 * ({@link #fromWire}).
 *
 * @param sequence the event log's number ({@code "seq"})
 * @param timeMillis when, written as an ISO-8601 instant ({@code "time"})
 * @param point where in the method: {@code entry}, {@code exit}, {@code exception}, {@code line}
 *     ({@code "at"})
 * @param message a log line; null for snapshots
 * @param data a capture probe's snapshot, in the order it was rendered; null for log lines
 */
public record ProbeEvent(
    long sequence,
    String probe,
    long timeMillis,
    String thread,
    String method,
    String point,
    String message,
    Map<String, Object> data)
    implements JsonWritable {

  public static final Set<String> FIELDS =
      Set.of("seq", "probe", "time", "thread", "method", "at", "message", "data");

  public ProbeEvent {
    // Not Map.copyOf: the snapshot's order (arguments, then fields) is what the user reads.
    data = data == null ? null : Collections.unmodifiableMap(data);
  }

  public static ProbeEvent fromWire(Object json) {
    return read(StrictObject.tolerant(json, "the probe event", FIELDS));
  }

  /**
   * Reads the fields of this record from {@code body}, which may declare more (a tagged or located
   * event).
   */
  static ProbeEvent read(StrictObject body) {
    return new ProbeEvent(
        body.requireLong("seq", 0, Long.MAX_VALUE),
        body.requireString("probe", "\"p1\""),
        time(body),
        body.requireString("thread", "\"main\""),
        body.requireString("method", "\"Shop#checkout\""),
        body.requireString("at", "\"entry\""),
        body.optionalString("message"),
        body.optionalObject("data"));
  }

  private static long time(StrictObject body) {
    String time = body.requireString("time", "\"2026-01-01T10:00:00Z\"");
    try {
      return Instant.parse(time).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          body.what()
              + ": 'time' must be an ISO-8601 instant, not "
              + (time.length() > 40 ? time.substring(0, 40) + "..." : time),
          "send e.g. {\"time\": \"2026-01-01T10:00:00Z\"}");
    }
  }

  /** The time as the wire writes it. */
  public String time() {
    return Instant.ofEpochMilli(timeMillis).toString();
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("seq", sequence)
        .put("probe", probe)
        .put("time", time())
        .put("thread", thread)
        .put("method", method)
        .put("at", point)
        .put("message", message)
        .put("data", data)
        .toMap();
  }
}

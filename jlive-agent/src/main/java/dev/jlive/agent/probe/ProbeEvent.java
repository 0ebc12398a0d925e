package dev.jlive.agent.probe;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing a probe saw: a log line or a snapshot, in the order of the event log.
 *
 * @param data the snapshot of a capture probe; null for log lines
 */
record ProbeEvent(long sequence, String probe, long timeMillis, String thread, String method, String point, String message,
    Map<String, Object> data) {

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("seq", sequence);
    json.put("probe", probe);
    json.put("time", Instant.ofEpochMilli(timeMillis).toString());
    json.put("thread", thread);
    json.put("method", method);
    json.put("at", point);
    if (message != null) {
      json.put("message", message);
    }
    if (data != null) {
      json.put("data", data);
    }
    return json;
  }
}

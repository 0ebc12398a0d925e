package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A process the controller dropped because it stopped syncing (kept for an hour, so that the
 * changes it never confirmed show it unreachable): its registration and when it was lost.
 */
public record LostProcess(ProcessInfo process, String lostAt, long lostAtMillis)
    implements JsonWritable {
  public static final Set<String> FIELDS = fields();

  private static Set<String> fields() {
    Set<String> fields = new HashSet<>(ProcessInfo.FIELDS);
    fields.addAll(Set.of("lostAt", "lostAtMillis"));
    return Set.copyOf(fields);
  }

  public static LostProcess fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the lost process", FIELDS);
    return new LostProcess(
        ProcessInfo.read(body),
        body.optionalString("lostAt"),
        body.optionalLong("lostAtMillis", 0, 0, Long.MAX_VALUE));
  }

  @Override
  public Map<String, Object> toJson() {
    return process
        .write(JsonObject.create())
        .put("lostAt", lostAt)
        .put("lostAtMillis", lostAtMillis)
        .toMap();
  }
}

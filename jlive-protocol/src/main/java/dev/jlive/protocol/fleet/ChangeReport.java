package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.change.ProcessState;
import java.util.Map;
import java.util.Set;

/**
 * Where one fleet change stands in one process, as its agent reports it in a sync: {@code {"state":
 * applied, "message", "localId"}}. Only the states an agent can know ({@link
 * ProcessState#REPORTED_BY_AGENTS}); the message says why a change failed.
 */
public record ChangeReport(ProcessState state, String message, String localId)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("state", "message", "localId");

  public ChangeReport {
    if (state == null || !ProcessState.REPORTED_BY_AGENTS.contains(state)) {
      throw Wire.bad(
          "a change report's state must be waiting, applied, failed or reverted, not "
              + (state == null ? "absent" : JsonObject.wireName(state)),
          "pending and unreachable are the controller's own states");
    }
  }

  public static ChangeReport of(ProcessState state) {
    return new ChangeReport(state, null, null);
  }

  static ChangeReport read(StrictObject body) {
    return new ChangeReport(
        body.optionalEnum("state", ProcessState.class, null),
        body.optionalString("message"),
        body.optionalString("localId"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("state", state)
        .put("message", message)
        .put("localId", localId)
        .toMap();
  }
}

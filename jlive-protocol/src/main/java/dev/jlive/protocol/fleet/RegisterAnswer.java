package dev.jlive.protocol.fleet;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * The controller's answer to a registration: the process's id, how often to sync, the protocol the
 * controller speaks, and, when agent and controller speak different protocols, a note for the
 * agent's log saying what the older side lacks.
 */
public record RegisterAnswer(String process, long heartbeatMillis, int protocolVersion, String note)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("process", "heartbeatMillis", "protocolVersion", "note");
  private static final String WHAT = "the registration answer";

  public RegisterAnswer {
    Wire.text(process, WHAT, "process");
    if (heartbeatMillis <= 0) {
      throw Wire.bad(
          WHAT + ": 'heartbeatMillis' must be above 0, not " + heartbeatMillis,
          "check the controller's --heartbeat");
    }
  }

  /** Reads the controller's answer; an older controller sends no protocolVersion (protocol 1). */
  public static RegisterAnswer fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, WHAT, FIELDS);
    return new RegisterAnswer(
        body.requireString("process", "\"web-1-4242-1a2b3c4d\""),
        body.requireLong("heartbeatMillis", 1, Long.MAX_VALUE),
        Wire.intValue(
            body.optionalLong(
                "protocolVersion", FleetApi.FIRST_PROTOCOL_VERSION, 1, Integer.MAX_VALUE)),
        body.optionalString("note"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("process", process)
        .put("heartbeatMillis", heartbeatMillis)
        .put("protocolVersion", protocolVersion)
        .put("note", note)
        .toMap();
  }
}

package dev.jlive.protocol.fleet;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * A registered process, as the controller keeps it (its ZooKeeper node) and lists it.
 *
 * @param protocolVersion the agent protocol the process speaks (1 for the first agents)
 * @param registeredAt ISO-8601
 * @param verifiesChanges whether its agent runs only changes the controller signed; null when the
 *     agent did not say (one from before signed changes, which does not verify)
 */
public record ProcessInfo(
    String id,
    String service,
    String host,
    long pid,
    String javaVersion,
    String agentVersion,
    int protocolVersion,
    Map<String, String> labels,
    String registeredAt,
    Boolean verifiesChanges)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "id",
          "service",
          "host",
          "pid",
          "javaVersion",
          "agentVersion",
          "protocolVersion",
          "labels",
          "registeredAt",
          "verifiesChanges");
  static final String WHAT = "the process";

  public ProcessInfo {
    Wire.text(id, WHAT, "id");
    labels = Labels.checked(labels, "labels");
  }

  /** A process whose agent did not say whether it verifies changes. */
  public ProcessInfo(
      String id,
      String service,
      String host,
      long pid,
      String javaVersion,
      String agentVersion,
      int protocolVersion,
      Map<String, String> labels,
      String registeredAt) {
    this(
        id,
        service,
        host,
        pid,
        javaVersion,
        agentVersion,
        protocolVersion,
        labels,
        registeredAt,
        null);
  }

  /** A process as registered now under {@code id}. */
  public static ProcessInfo registered(String id, RegisterBody body, String registeredAt) {
    return new ProcessInfo(
        id,
        body.service(),
        body.host(),
        body.pid(),
        body.javaVersion(),
        body.agentVersion(),
        body.protocolVersion(),
        body.labels(),
        registeredAt,
        body.verifiesChanges());
  }

  public static ProcessInfo fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS));
  }

  static ProcessInfo read(StrictObject body) {
    return new ProcessInfo(
        body.requireString("id", "\"web-1-4242-1a2b3c4d\""),
        body.optionalString("service"),
        body.optionalString("host"),
        body.optionalLong("pid", 0, Long.MIN_VALUE, Long.MAX_VALUE),
        body.optionalString("javaVersion"),
        body.optionalString("agentVersion"),
        Wire.intValue(
            body.optionalLong(
                "protocolVersion",
                FleetApi.FIRST_PROTOCOL_VERSION,
                Long.MIN_VALUE,
                Long.MAX_VALUE)),
        body.optionalStringMap("labels"),
        body.optionalString("registeredAt"),
        body.has("verifiesChanges") ? body.optionalBoolean("verifiesChanges", false) : null);
  }

  /** Written into another record's object: a process row, a lost process. */
  JsonObject write(JsonObject json) {
    return json.put("id", id)
        .put("service", service)
        .put("host", host)
        .putIf(pid > 0, "pid", pid)
        .put("javaVersion", javaVersion)
        .put("agentVersion", agentVersion)
        .put("protocolVersion", protocolVersion)
        .put("labels", labels)
        .put("registeredAt", registeredAt)
        .put("verifiesChanges", verifiesChanges);
  }

  @Override
  public Map<String, Object> toJson() {
    return write(JsonObject.create()).toMap();
  }
}

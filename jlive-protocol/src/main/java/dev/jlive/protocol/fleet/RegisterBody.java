package dev.jlive.protocol.fleet;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/agents/register}: who the process is. {@code protocolVersion} is absent in the
 * bodies of the first agents, which speak protocol 1.
 *
 * @param instance a random id per agent start, so that a restarted process with the same pid is a
 *     new process
 * @param verifiesChanges whether the agent runs only changes the controller signed (it was given
 *     the controller's key); null from agents before signed changes, which do not verify
 */
public record RegisterBody(
    int protocolVersion,
    String service,
    String host,
    long pid,
    String javaVersion,
    String agentVersion,
    Map<String, String> labels,
    String instance,
    Boolean verifiesChanges)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "protocolVersion",
          "service",
          "host",
          "pid",
          "javaVersion",
          "agentVersion",
          "labels",
          "instance",
          "verifiesChanges");
  private static final String WHAT = "the registration";

  public RegisterBody {
    if (protocolVersion < FleetApi.FIRST_PROTOCOL_VERSION) {
      throw Wire.bad(
          WHAT + ": 'protocolVersion' must be 1 or more, not " + protocolVersion,
          "leave it out for protocol 1");
    }
    Labels.service(service);
    Wire.text(host, WHAT, "host");
    if (pid <= 0) {
      throw Wire.bad(
          WHAT + " needs the process id 'pid' (a number above 0), not " + pid,
          "agents send it themselves");
    }
    labels = Labels.checked(labels, "labels");
    Wire.text(instance, WHAT, "instance");
  }

  /** A registration that does not say whether the agent verifies changes. */
  public RegisterBody(
      int protocolVersion,
      String service,
      String host,
      long pid,
      String javaVersion,
      String agentVersion,
      Map<String, String> labels,
      String instance) {
    this(protocolVersion, service, host, pid, javaVersion, agentVersion, labels, instance, null);
  }

  /**
   * Reads an agent's registration: unknown fields (a newer agent's) are ignored and logged once.
   */
  public static RegisterBody fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, WHAT, FIELDS);
    return new RegisterBody(
        Wire.intValue(
            body.optionalLong(
                "protocolVersion", FleetApi.FIRST_PROTOCOL_VERSION, 0, Integer.MAX_VALUE)),
        body.requireString("service", "\"checkout\""),
        body.requireString("host", "\"web-1\""),
        body.requireLong("pid", 1, Long.MAX_VALUE),
        body.optionalString("javaVersion"),
        body.optionalString("agentVersion"),
        body.optionalStringMap("labels"),
        body.requireString("instance", "\"a random id\""),
        body.has("verifiesChanges") ? body.optionalBoolean("verifiesChanges", false) : null);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("protocolVersion", protocolVersion)
        .put("service", service)
        .put("host", host)
        .put("pid", pid)
        .put("javaVersion", javaVersion)
        .put("agentVersion", agentVersion)
        .put("labels", labels)
        .put("instance", instance)
        .put("verifiesChanges", verifiesChanges)
        .toMap();
  }
}

package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/agents/deregister}: the process leaves the service (it stops, or its JVM exits).
 */
public record DeregisterBody(String process) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("process");
  private static final String WHAT = "the deregistration";

  public DeregisterBody {
    Wire.text(process, WHAT, "process");
  }

  public static DeregisterBody fromWire(Object json) {
    return new DeregisterBody(
        StrictObject.tolerant(json, WHAT, FIELDS)
            .requireString("process", "\"web-1-4242-1a2b3c4d\""));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("process", process).toMap();
  }
}

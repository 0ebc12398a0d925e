package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * The answer to a deregistration: false when the controller did not know the process (any more).
 */
public record DeregisterAnswer(boolean deregistered) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("deregistered");

  public static DeregisterAnswer fromWire(Object json) {
    return new DeregisterAnswer(
        StrictObject.tolerant(json, "the deregistration answer", FIELDS)
            .optionalBoolean("deregistered", false));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("deregistered", deregistered).toMap();
  }
}

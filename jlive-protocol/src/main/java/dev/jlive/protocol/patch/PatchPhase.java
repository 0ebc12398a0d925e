package dev.jlive.protocol.patch;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * How long one phase of applying a patch took in the agent, e.g. {@code compiled} or {@code
 * swapped}; a patch answer lists them in the order they ran.
 */
public record PatchPhase(String name, double millis) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("phase", "millis");

  static PatchPhase read(StrictObject body) {
    return new PatchPhase(
        body.requireString("phase", "\"compiled\""),
        body.optionalDouble("millis", 0, 0, Double.MAX_VALUE));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("phase", name).put("millis", millis).toMap();
  }
}

package dev.jlive.protocol.change;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * The answer to adding a change ({@code POST}: {@code created} false when the same change was
 * already active) or reverting one ({@code DELETE}: {@code created} null, not written).
 */
public record ChangeAnswer(Change change, Boolean created) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("change", "created");

  public static ChangeAnswer fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the change answer", FIELDS);
    return new ChangeAnswer(
        Change.read(body.requireNested("change", "the change", Change.FIELDS)),
        body.has("created") ? body.optionalBoolean("created", true) : null);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("change", change).put("created", created).toMap();
  }
}

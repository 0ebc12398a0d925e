package dev.jlive.protocol.rollout;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The answer to {@code GET /v1/rollouts?service=}: rollouts, newest first. */
public record RolloutList(List<RolloutState> rollouts) implements JsonWritable {
  public RolloutList {
    rollouts = rollouts == null ? List.of() : List.copyOf(rollouts);
  }

  public static RolloutList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the rollout list", Set.of("rollouts"));
    return new RolloutList(
        body.optionalObjects("rollouts", RolloutState.FIELDS).stream()
            .map(RolloutState::read)
            .toList());
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("rollouts", rollouts).toMap();
  }
}

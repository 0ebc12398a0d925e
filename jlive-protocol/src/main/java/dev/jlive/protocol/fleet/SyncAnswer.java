package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The controller's answer to a sync: either the agent is up to date, or here is the whole desired
 * list of the new version (the agent reconciles to it).
 */
public sealed interface SyncAnswer extends JsonWritable {
  /**
   * Questions about loaded classes for the agent to answer ({@link ClassQuestion}); sent only to
   * agents that read them, beside either answer.
   */
  String CLASS_QUESTIONS = "classQuestions";

  Set<String> FIELDS = Set.of("desiredVersion", "unchanged", "changes", CLASS_QUESTIONS);

  long desiredVersion();

  /** {@code {"desiredVersion": n, "unchanged": true}}. */
  record Unchanged(long desiredVersion) implements SyncAnswer {
    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
          .put("desiredVersion", desiredVersion)
          .put("unchanged", true)
          .toMap();
    }
  }

  /**
   * {@code {"desiredVersion": n, "changes": [...]}}: every change wanted in this process, oldest
   * first.
   */
  record Changes(long desiredVersion, List<DesiredChange> changes) implements SyncAnswer {
    public Changes {
      changes = List.copyOf(changes);
    }

    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
          .put("desiredVersion", desiredVersion)
          .put("changes", changes)
          .toMap();
    }
  }

  /**
   * Reads the controller's answer: unknown fields (a newer controller's) are ignored and logged
   * once.
   */
  static SyncAnswer fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the sync answer", FIELDS);
    long version = body.requireLong("desiredVersion", -1, Long.MAX_VALUE);
    if (body.has("changes")) {
      return new Changes(
          version, Wire.objects(body, "changes", DesiredChange.FIELDS, DesiredChange::read));
    }
    if (!body.optionalBoolean("unchanged", false)) {
      throw Wire.bad(
          "the sync answer has neither 'changes' nor \"unchanged\": true",
          "check that controller= names a jlive controller");
    }
    return new Unchanged(version);
  }
}

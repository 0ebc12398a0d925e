package dev.jlive.protocol.probe;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A probe taken out of one JVM and the calls it had seen; {@code DELETE /v1/probes} answers {@code
 * {"removed": [...]}} with one per probe ({@link #answer}).
 */
public record ProbeRemoved(String id, long hits) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("id", "removed", "hits");

  static ProbeRemoved read(StrictObject body) {
    return new ProbeRemoved(
        body.requireString("id", "\"p1\""), body.optionalLong("hits", 0, 0, Long.MAX_VALUE));
  }

  /** The answer to a removal: {@code {"removed": [...]}}. */
  public static Map<String, Object> answer(List<ProbeRemoved> removed) {
    return JsonObject.create().put("removed", removed).toMap();
  }

  /** Reads the answer to a removal. */
  public static List<ProbeRemoved> fromAnswer(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the removal answer", Set.of("removed"));
    List<ProbeRemoved> removed = new ArrayList<>();
    for (StrictObject probe : body.optionalObjects("removed", FIELDS)) {
      removed.add(read(probe));
    }
    return removed;
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("id", id).put("removed", true).put("hits", hits).toMap();
  }
}

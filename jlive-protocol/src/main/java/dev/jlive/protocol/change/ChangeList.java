package dev.jlive.protocol.change;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/services/{s}/changes}: the service's changes without their specs, newest first.
 */
public record ChangeList(String service, List<Change> changes) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("service", "changes");

  public ChangeList {
    changes = List.copyOf(changes);
  }

  public static ChangeList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the change list", FIELDS);
    List<Change> changes = new ArrayList<>();
    body.optionalObjects("changes", Change.FIELDS)
        .forEach(change -> changes.add(Change.read(change)));
    return new ChangeList(body.optionalString("service"), changes);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("service", service).put("changes", changes).toMap();
  }
}

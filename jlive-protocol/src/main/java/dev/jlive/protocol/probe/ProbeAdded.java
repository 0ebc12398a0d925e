package dev.jlive.protocol.probe;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's answer to {@code POST /v1/probes}: the new probe as {@code probe list} would show it,
 * each class it was to be woven into with the outcome, and notes about the selector (for example
 * interfaces whose implementations are probed).
 */
public record ProbeAdded(ProbeStatus probe, List<ClassReport> classes, List<String> notes)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("classes", "notes");

  public ProbeAdded {
    classes = List.copyOf(classes);
    notes = List.copyOf(notes);
  }

  public static ProbeAdded fromWire(Object json) {
    ProbeStatus probe = ProbeStatus.read(json, "the added probe", FIELDS);
    @SuppressWarnings("unchecked")
    Map<String, Object> all = (Map<String, Object>) json;
    StrictObject own =
        StrictObject.tolerant(
            JsonObject.create()
                .put("classes", all.get("classes"))
                .put("notes", all.get("notes"))
                .toMap(),
            "the added probe",
            FIELDS);
    List<ClassReport> classes = new ArrayList<>();
    for (StrictObject entry : own.optionalObjects("classes", ClassReport.FIELDS)) {
      classes.add(ClassReport.read(entry));
    }
    return new ProbeAdded(probe, classes, own.optionalStrings("notes"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .putAll(probe.toJson())
        .put("classes", classes)
        .putIf(!notes.isEmpty(), "notes", notes)
        .toMap();
  }
}

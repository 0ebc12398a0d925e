package dev.jlive.protocol.governance;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.change.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/approvals?service=}: the proposed changes that wait for approval, oldest first,
 * each with what it would change.
 */
public record ApprovalList(List<Waiting> waiting) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("waiting");

  public ApprovalList {
    waiting = List.copyOf(waiting);
  }

  /**
   * One proposed change.
   *
   * @param change without its spec, with the approvals it has
   * @param missing how many more approvals it needs
   * @param diff a unified diff of a patch's sources against the sources of the active patches of
   *     the same classes ("new" files for classes no active patch changes); for a probe, its spec;
   *     for compiled class files, their names and sizes
   */
  public record Waiting(Change change, int missing, String diff) implements JsonWritable {
    public static final Set<String> FIELDS = Set.of("change", "missing", "diff");

    static Waiting read(StrictObject body) {
      return new Waiting(
          Change.fromWire(body.optionalObject("change")),
          (int) body.optionalLong("missing", 0, 0, Integer.MAX_VALUE),
          body.optionalString("diff"));
    }

    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
          .put("change", change)
          .put("missing", missing)
          .put("diff", diff)
          .toMap();
    }
  }

  public static ApprovalList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the approval list", FIELDS);
    List<Waiting> waiting = new ArrayList<>();
    body.optionalObjects("waiting", Waiting.FIELDS).forEach(row -> waiting.add(Waiting.read(row)));
    return new ApprovalList(waiting);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("waiting", waiting).toMap();
  }
}

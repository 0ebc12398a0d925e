package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeSignature;
import java.util.Map;
import java.util.Set;

/**
 * One change the controller wants in a process, as a sync answer carries it.
 *
 * @param spec exactly the body the agent's own {@code POST /v1/probes} or {@code POST /v1/patches}
 *     takes; the agent reads it with that endpoint's reader, so it is passed on as it is here
 * @param where the labels the change is for: part of what its signature covers
 * @param createdAt ISO-8601
 * @param signature the controller's signature ({@link ChangeSignature}, base64), or null from a
 *     controller that does not sign
 */
public record DesiredChange(
    String id,
    ChangeKind kind,
    Map<String, Object> spec,
    Map<String, String> where,
    String author,
    String createdAt,
    String signature)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("id", "kind", "spec", "where", "author", "createdAt", "signature");
  private static final String WHAT = "a change of the sync answer";

  public DesiredChange {
    Wire.text(id, WHAT, "id");
    if (kind == null) {
      throw Wire.bad(WHAT + " needs 'kind'", "send probe or patch");
    }
    if (spec == null) {
      throw Wire.bad(
          WHAT + " (" + id + ") needs 'spec'",
          "the controller sends the body of POST /v1/probes or /v1/patches as \"spec\"");
    }
    spec = Wire.copy(spec);
    where = where == null ? Map.of() : Wire.copy(where);
  }

  /** An unsigned change for every process. */
  public DesiredChange(
      String id, ChangeKind kind, Map<String, Object> spec, String author, String createdAt) {
    this(id, kind, spec, Map.of(), author, createdAt, null);
  }

  static DesiredChange read(StrictObject body) {
    return new DesiredChange(
        body.requireString("id", "\"c1\""),
        body.requireEnum("kind", ChangeKind.class),
        body.optionalObject("spec"),
        body.optionalStringMap("where"),
        body.optionalString("author"),
        body.optionalString("createdAt"),
        body.optionalString("signature"));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("kind", kind)
        .put("spec", spec)
        .putIf(!where.isEmpty(), "where", where)
        .put("author", author)
        .put("createdAt", createdAt)
        .put("signature", signature)
        .toMap();
  }
}

package dev.jlive.protocol.patch;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.WireInstant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An active patch as {@code GET /v1/patches} lists it and {@code ?id=} shows it ({@code jlive
 * diff}): what it replaced, by whom, when.
 */
public record PatchDetail(
    String id,
    String digest,
    List<PatchedClass> classes,
    String author,
    Instant appliedAt,
    SafepointMode safepoint)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("id", "digest", "classes", "author", "appliedAt", "safepoint");

  public PatchDetail {
    classes = List.copyOf(classes);
    if (classes.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "patch " + id + " lists no 'classes'",
          "an active patch changes at least one class");
    }
  }

  public static PatchDetail fromWire(Object json) {
    return read(StrictObject.tolerant(json, "the patch", FIELDS));
  }

  static PatchDetail read(StrictObject body) {
    return new PatchDetail(
        body.requireString("id", "\"x1\""),
        body.requireString("digest", "\"sha256:...\""),
        body.optionalObjects("classes", PatchedClass.FIELDS).stream()
            .map(PatchedClass::read)
            .toList(),
        body.requireString("author", "\"alice\""),
        WireInstant.require(body, "appliedAt"),
        body.requireEnum("safepoint", SafepointMode.class));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("digest", digest)
        .put("classes", classes)
        .put("author", author)
        .put("appliedAt", appliedAt.toString())
        .put("safepoint", safepoint)
        .toMap();
  }
}

package dev.jlive.protocol.patch;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An agent's answer to {@code GET /v1/patches}: the active patches, oldest first. */
public record PatchList(List<PatchDetail> patches) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("patches");

  public PatchList {
    patches = List.copyOf(patches);
    Set<String> ids = new HashSet<>();
    for (PatchDetail patch : patches) {
      if (!ids.add(patch.id())) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "the patch list lists patch " + patch.id() + " twice",
            "list each active patch once");
      }
    }
  }

  public static PatchList fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the patch list", FIELDS);
    return new PatchList(
        body.optionalObjects("patches", PatchDetail.FIELDS).stream()
            .map(PatchDetail::read)
            .toList());
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("patches", patches).toMap();
  }
}

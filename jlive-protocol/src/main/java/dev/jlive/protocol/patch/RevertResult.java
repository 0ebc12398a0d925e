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

/**
 * An agent's answer when a patch was taken back ({@code DELETE /v1/patches} or {@code
 * /v1/changes}): its classes run the code they had before it. A revert that found no safe point is
 * an error answer, and the patch stays.
 *
 * @param classes the classes that got their previous code back
 */
public record RevertResult(String id, List<String> classes, SafepointReport safepoint)
    implements JsonWritable {
  public static final Set<String> FIELDS;

  static {
    Set<String> fields = new HashSet<>(Set.of("id", "reverted", "classes"));
    fields.addAll(SafepointReport.FIELDS);
    FIELDS = Set.copyOf(fields);
  }

  public RevertResult {
    classes = List.copyOf(classes);
    if (classes.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the revert of " + id + " names no 'classes'",
          "name the classes the patch changed");
    }
  }

  /**
   * Whether an answer of {@code DELETE /v1/changes} is a patch's revert (a probe's removal is the
   * probe instead).
   */
  public static boolean isRevert(Map<String, Object> answer) {
    return Boolean.TRUE.equals(answer.get("reverted"));
  }

  public static RevertResult fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the revert answer", FIELDS);
    return new RevertResult(
        body.requireString("id", "\"x1\""),
        body.optionalStrings("classes"),
        SafepointReport.read(body));
  }

  @Override
  public Map<String, Object> toJson() {
    JsonObject json =
        JsonObject.create().put("id", id).put("reverted", true).put("classes", classes);
    safepoint.writeTo(json);
    return json.toMap();
  }
}

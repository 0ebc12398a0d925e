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
 * An agent's answer to {@code POST /v1/patches}: the patch applied, or with {@code dryRun} what it
 * would change (nothing was changed, so it has no id and no safe point). A patch that was refused,
 * did not compile or found no safe point is an error answer instead.
 *
 * @param digest a SHA-256 of what the request brought, to tell two patches apart
 * @param compiler which compiler built the classes from source (javac, ECJ); null for class files
 * @param safepoint how the swap went; null for a dry run
 * @param quiescenceSet the methods that had to be quiescent, as {@code class#method}; empty unless
 *     quiescent
 * @param phases how long each phase took in the agent, in the order they ran (compile, check,
 *     weave, wait at the gate, swap); empty from agents that do not time them
 */
public record PatchResult(
    String id,
    String digest,
    List<PatchedClass> classes,
    String compiler,
    boolean dryRun,
    SafepointReport safepoint,
    List<String> quiescenceSet,
    List<PatchPhase> phases)
    implements JsonWritable {
  public static final Set<String> FIELDS;

  static {
    Set<String> fields =
        new HashSet<>(
            Set.of("id", "digest", "classes", "compiler", "dryRun", "quiescenceSet", "phases"));
    fields.addAll(SafepointReport.FIELDS);
    FIELDS = Set.copyOf(fields);
  }

  public PatchResult {
    classes = List.copyOf(classes);
    quiescenceSet = List.copyOf(quiescenceSet);
    phases = List.copyOf(phases);
    if (dryRun != (id == null) || dryRun != (safepoint == null)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a patch answer with dryRun="
              + dryRun
              + ", id "
              + id
              + " and "
              + (safepoint == null ? "no safe point" : "a safe point"),
          "a dry run has no 'id' and no 'safepoint'; an applied patch has both");
    }
  }

  /** An answer without phase times, as agents before them sent. */
  public PatchResult(
      String id,
      String digest,
      List<PatchedClass> classes,
      String compiler,
      boolean dryRun,
      SafepointReport safepoint,
      List<String> quiescenceSet) {
    this(id, digest, classes, compiler, dryRun, safepoint, quiescenceSet, List.of());
  }

  /** The same answer with the time of each phase. */
  public PatchResult withPhases(List<PatchPhase> timed) {
    return new PatchResult(id, digest, classes, compiler, dryRun, safepoint, quiescenceSet, timed);
  }

  /** What a patch would change; nothing was. */
  public static PatchResult dryRun(String digest, List<PatchedClass> classes, String compiler) {
    return new PatchResult(null, digest, classes, compiler, true, null, List.of());
  }

  public static PatchResult applied(
      String id,
      String digest,
      List<PatchedClass> classes,
      String compiler,
      SafepointReport safepoint,
      List<String> quiescenceSet) {
    return new PatchResult(id, digest, classes, compiler, false, safepoint, quiescenceSet);
  }

  public static PatchResult fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the patch answer", FIELDS);
    boolean dryRun = body.optionalBoolean("dryRun", false);
    return new PatchResult(
        body.optionalString("id"),
        body.requireString("digest", "\"sha256:...\""),
        body.optionalObjects("classes", PatchedClass.FIELDS).stream()
            .map(PatchedClass::read)
            .toList(),
        body.optionalString("compiler"),
        dryRun,
        body.has("safepoint") ? SafepointReport.read(body) : null,
        body.optionalStrings("quiescenceSet"),
        body.optionalObjects("phases", PatchPhase.FIELDS).stream().map(PatchPhase::read).toList());
  }

  @Override
  public Map<String, Object> toJson() {
    JsonObject json =
        JsonObject.create()
            .put("id", id)
            .put("digest", digest)
            .put("classes", classes)
            .put("compiler", compiler)
            .putIf(dryRun, "dryRun", true);
    if (safepoint != null) {
      safepoint.writeTo(json);
    }
    return json.putIf(!quiescenceSet.isEmpty(), "quiescenceSet", quiescenceSet)
        .putIf(!phases.isEmpty(), "phases", phases)
        .toMap();
  }
}

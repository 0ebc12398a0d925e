package dev.jlive.protocol.governance;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.rollout.RolloutPlan;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service's sign-off policy: how many people other than the author must approve a change before
 * any process receives it, and who may.
 *
 * @param patchApprovals for a patch (new code): 1 unless set
 * @param probeApprovals for a probe that counts, times, logs or counts callers: 0 unless set
 * @param captureApprovals for a {@code capture} probe, which snapshots arguments, return values and
 *     fields and so can read personal data: 1 unless set
 * @param approvers the only users who may approve; empty for anyone the controller lets approve
 * @param rollout the staged rollout a change gets when it comes without a plan of its own; null for
 *     none (the change goes to every process at once)
 */
public record Policy(
    int patchApprovals,
    int probeApprovals,
    int captureApprovals,
    List<String> approvers,
    RolloutPlan rollout)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("patchApprovals", "probeApprovals", "captureApprovals", "approvers", "rollout");

  /** What a service without a policy of its own gets, unless an admin set another default. */
  public static final Policy BUILT_IN = new Policy(1, 0, 1, List.of());

  /** More approvals than this is a typo, not a policy. */
  public static final int MAX_APPROVALS = 10;

  private static final String WHAT = "the policy";

  public Policy {
    checkCount("patchApprovals", patchApprovals);
    checkCount("probeApprovals", probeApprovals);
    checkCount("captureApprovals", captureApprovals);
    approvers = approvers == null ? List.of() : List.copyOf(new LinkedHashSet<>(approvers));
    for (String user : approvers) {
      if (user.isBlank() || user.contains(",") || user.length() > 128) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            WHAT + ": '" + user + "' is not a user name",
            "list user names, e.g. --approvers alice,bob");
      }
    }
    int most = Math.max(patchApprovals, Math.max(probeApprovals, captureApprovals));
    if (!approvers.isEmpty() && approvers.size() < most) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          WHAT
              + " asks for "
              + most
              + " approvals but names only "
              + approvers.size()
              + " approver(s): "
              + String.join(", ", approvers),
          "name at least as many approvers as the most approvals asked for (an author cannot approve"
              + " their own change)");
    }
  }

  /** A policy without a default rollout plan. */
  public Policy(
      int patchApprovals, int probeApprovals, int captureApprovals, List<String> approvers) {
    this(patchApprovals, probeApprovals, captureApprovals, approvers, null);
  }

  private static void checkCount(String name, int count) {
    if (count < 0 || count > MAX_APPROVALS) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          WHAT + ": " + name + " must be 0 to " + MAX_APPROVALS + ", not " + count,
          "0 means no sign-off; 1 means a second person approves");
    }
  }

  /** How many approvals a change of this kind and spec needs under this policy. */
  public int required(ChangeKind kind, Map<String, Object> spec) {
    if (kind == ChangeKind.PATCH) {
      return patchApprovals;
    }
    Object probeKind = spec == null ? null : spec.get("kind");
    return JsonObject.wireName(ProbeSpec.Kind.CAPTURE).equals(probeKind)
        ? captureApprovals
        : probeApprovals;
  }

  /** Whether the policy lets {@code user} approve (the role check is the controller's). */
  public boolean allowsApprover(String user) {
    return approvers.isEmpty() || approvers.contains(user);
  }

  /** Reads a user's body: unknown fields and wrong types are refused. */
  public static Policy fromJson(Object json) {
    return read(StrictObject.of(json, WHAT, FIELDS).rejectUnknown(), BUILT_IN);
  }

  /** Reads a stored policy or a controller's answer: unknown fields are ignored. */
  public static Policy fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS), BUILT_IN);
  }

  static Policy read(StrictObject body, Policy fallback) {
    return new Policy(
        (int) body.optionalLong("patchApprovals", fallback.patchApprovals(), 0, Integer.MAX_VALUE),
        (int) body.optionalLong("probeApprovals", fallback.probeApprovals(), 0, Integer.MAX_VALUE),
        (int)
            body.optionalLong(
                "captureApprovals", fallback.captureApprovals(), 0, Integer.MAX_VALUE),
        body.has("approvers") ? body.optionalStrings("approvers") : fallback.approvers(),
        body.has("rollout")
            ? RolloutPlan.read(
                body.optionalNested("rollout", "the policy's rollout plan", RolloutPlan.FIELDS))
            : fallback.rollout());
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("patchApprovals", patchApprovals)
        .put("probeApprovals", probeApprovals)
        .put("captureApprovals", captureApprovals)
        .put("approvers", approvers)
        .put("rollout", rollout)
        .toMap();
  }
}

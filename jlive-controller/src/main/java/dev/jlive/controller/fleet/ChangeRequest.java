package dev.jlive.controller.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's POST of a change to a service, checked by the very record the agent reads it with
 * ({@link ProbeSpec}, {@link PatchRequest}): every process would refuse a spec with an unknown
 * field, a wrong type, a bad selector, kind or budget, so the controller refuses it first, with the
 * problem named, instead of storing a change no agent can apply. The spec is stored as the user
 * sent it; only checks that need a running JVM (is the class loaded) are left to the agents.
 */
record ChangeRequest(String kind, Map<String, Object> spec, Object where, RolloutPlan rollout) {
  private static final Set<String> FIELDS = Set.of("kind", "spec", "where", "rollout");

  static ChangeRequest read(Map<String, Object> json) {
    StrictObject body = new StrictObject(json, "the change", FIELDS).rejectUnknown();
    String kind = body.requireString("kind", "\"probe\"");
    if (!kind.equals("probe") && !kind.equals("patch") && !kind.equals("shadow")) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "kind must be probe, patch or shadow, not '" + shortened(kind) + "'",
          "send {\"kind\": \"probe\", \"spec\": {...}} with the body an agent's POST /v1/probes takes");
    }
    Map<String, Object> spec = body.optionalObject("spec");
    if (spec == null || spec.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the change has no spec",
          "spec is the body an agent's own POST /v1/"
              + kind
              + (kind.equals("patch") ? "es" : "s")
              + " takes");
    }
    if (kind.equals("probe")) {
      ProbeSpec.fromJson(spec, "the probe spec");
    } else if (kind.equals("shadow")) {
      ShadowRequest.fromJson(spec);
    } else if (PatchRequest.fromJson(spec, "the patch spec").dryRun()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a dry run cannot be sent to a service",
          "try it on one process first: jlive patch PID ... --dry-run");
    }
    Map<String, Object> where = body.optionalObject("where");
    if (where != null) {
      where.forEach(
          (label, value) -> {
            if (!(value instanceof String)) {
              throw new JLiveException(
                  ErrorCode.BAD_REQUEST,
                  "the change: label '"
                      + shortened(label)
                      + "' in 'where' must be a string, not "
                      + (value == null
                          ? "null"
                          : value instanceof Map
                              ? "an object"
                              : value instanceof List ? "an array" : value),
                  "send e.g. {\"where\": {\"zone\": \"eu-1\"}}");
            }
          });
    }
    Map<String, Object> plan = body.optionalObject("rollout");
    return new ChangeRequest(kind, spec, where, plan == null ? null : RolloutPlan.fromJson(plan));
  }

  private static String shortened(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}

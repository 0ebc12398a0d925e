package dev.jlive.controller.fleet;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's POST of a change to a service, checked as strictly as the agent checks the same spec:
 * every process would refuse a spec with an unknown field or a wrong type, so the controller
 * refuses it first, with the field named, instead of storing a change no agent can apply.
 */
record ChangeRequest(String kind, Map<String, Object> spec, Object where) {
  private static final Set<String> FIELDS = Set.of("kind", "spec", "where");

  static ChangeRequest read(Map<String, Object> json) {
    StrictObject body = new StrictObject(json, "the change", FIELDS).rejectUnknown();
    String kind = body.requireString("kind", "\"probe\"");
    if (!kind.equals("probe") && !kind.equals("patch")) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "kind must be probe or patch, not '" + shortened(kind) + "'",
          "send {\"kind\": \"probe\", \"spec\": {...}} with the body an agent's POST /v1/probes takes");
    }
    Map<String, Object> spec = body.optionalObject("spec");
    if (spec == null || spec.isEmpty()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "the change has no spec",
          "spec is the body an agent's own POST /v1/" + kind + (kind.equals("probe") ? "s" : "es") + " takes");
    }
    if (kind.equals("probe")) {
      checkProbe(new StrictObject(spec, "the probe spec", Api.PROBE_FIELDS).rejectUnknown());
    } else {
      checkPatch(new StrictObject(spec, "the patch spec", Api.PATCH_FIELDS).rejectUnknown());
    }
    Map<String, Object> where = body.optionalObject("where");
    if (where != null) {
      where.forEach((label, value) -> {
        if (!(value instanceof String)) {
          throw new JLiveException(ErrorCode.BAD_REQUEST, "the change: label '" + shortened(label) + "' in 'where' must be a string, not "
              + (value == null ? "null" : value instanceof Map ? "an object" : value instanceof List ? "an array" : value),
              "send e.g. {\"where\": {\"zone\": \"eu-1\"}}");
        }
      });
    }
    return new ChangeRequest(kind, spec, where);
  }

  /** The types of every field; the agent checks the values and their combinations. */
  private static void checkProbe(StrictObject spec) {
    spec.requireString("selector", "\"com.acme.Cart#add\"");
    spec.optionalString("kind");
    spec.optionalString("at");
    spec.optionalString("template");
    spec.optionalString("when");
    for (String number : new String[] {"sampleOneIn", "ratePerSecond", "maxHits", "ttlMillis", "line", "timeOneIn"}) {
      spec.optionalLong(number, 0, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    spec.optionalDouble("cpuPercent", 0, -Double.MAX_VALUE, Double.MAX_VALUE);
    for (String flag : new String[] {"wait", "appLog", "allowSideEffects", "allowJdk"}) {
      spec.optionalBoolean(flag, false);
    }
  }

  private static void checkPatch(StrictObject spec) {
    spec.optionalObjects("sources", Api.PATCH_SOURCE_FIELDS).forEach(source -> {
      source.requireString("name", "\"Cart.java\"");
      source.requireString("code", "\"package com.acme; ...\"");
    });
    spec.optionalStrings("classFiles");
    spec.optionalStrings("also");
    for (String text : new String[] {"loader", "safepoint", "check", "checkClass", "method", "methodSource"}) {
      spec.optionalString(text);
    }
    spec.optionalLong("timeoutMillis", 0, Long.MIN_VALUE, Long.MAX_VALUE);
    if (spec.optionalBoolean("dryRun", false)) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "a dry run cannot be sent to a service",
          "try it on one process first: jlive patch PID ... --dry-run");
    }
  }

  private static String shortened(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}

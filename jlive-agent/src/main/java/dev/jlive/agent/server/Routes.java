package dev.jlive.agent.server;

import dev.jlive.agent.AgentContext;
import dev.jlive.agent.inspect.ClassLoaders;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.agent.inspect.JvmInfo;
import dev.jlive.agent.inspect.MethodListing;
import dev.jlive.agent.inspect.ThreadDump;
import dev.jlive.agent.purity.SideEffectAnswer;
import dev.jlive.agent.weave.ClassBytes;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.DetachResult;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.event.EventsAnswer;
import dev.jlive.protocol.inspect.BytecodeDigest;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeRemoved;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.record.RecordRequest;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The endpoint's API: which path and method runs which handler. */
final class Routes {
  private Routes() {}

  /**
   * The requests that change the JVM: with {@code localChanges=deny} they are refused, so that
   * changes reach it only through the controller and the policy there. Detach counts: it takes back
   * every change, the controller's too.
   */
  static final Set<String> CHANGING =
      Set.of(
          "POST " + Api.PROBES,
          "DELETE " + Api.PROBES,
          "POST " + Api.PATCHES,
          "DELETE " + Api.PATCHES,
          "DELETE " + Api.CHANGES,
          "POST " + Api.SHADOWS,
          "DELETE " + Api.SHADOWS,
          "POST " + Api.SHADOW_PROMOTE,
          "POST " + Api.RECORDINGS,
          "DELETE " + Api.RECORDINGS,
          "POST " + Api.REPLAYS,
          "POST " + Api.DETACH);

  static Map<String, Route> all(AgentContext context) {
    return all(context, false);
  }

  /**
   * @param localChangesDenied refuse the {@link #CHANGING} requests
   */
  static Map<String, Route> all(AgentContext context, boolean localChangesDenied) {
    Map<String, Route> routes = every(context);
    if (localChangesDenied) {
      for (String key : CHANGING) {
        routes.put(
            key,
            request -> {
              throw new JLiveException(
                  ErrorCode.FORBIDDEN,
                  "this agent takes changes only from its controller URL; ask there (it runs with"
                      + " localChanges=deny)",
                  "make the change through the controller, e.g. `jlive probe add --service "
                      + serviceOf(context)
                      + " ...` or `jlive patch --service "
                      + serviceOf(context)
                      + " ...`; reading (info, threads, classes, probes, events, metrics) works"
                      + " here as before");
            });
      }
    }
    return routes;
  }

  private static String serviceOf(AgentContext context) {
    Map<String, Object> link = context.controller() == null ? null : context.controller().get();
    Object service = link == null ? null : link.get("service");
    return service == null ? "SERVICE" : String.valueOf(service);
  }

  private static Map<String, Route> every(AgentContext context) {
    // Sorted, so that the hint for an unknown path lists them grouped by method.
    Map<String, Route> routes = new TreeMap<>();
    routes.put("GET " + Api.INFO, request -> JvmInfo.describe(context).toJson());
    routes.put(
        "GET " + Api.THREADS,
        request -> ThreadDump.capture(request.optional("grep"), request.optional("kind")).toJson());
    routes.put(
        "GET " + Api.CLASSES,
        request ->
            ClassSearch.find(
                    context.instrumentation(),
                    request.require(
                        "pattern", "a class name or pattern such as com.acme.* or com.acme..*"),
                    request.intParam("limit", 1000))
                .toJson());
    routes.put(
        "GET " + Api.METHODS,
        request ->
            MethodListing.list(
                    context.instrumentation(),
                    request.require("class", "the fully qualified name of a loaded class"),
                    request.optional("loader"))
                .toJson());
    routes.put("GET " + Api.PROBES, request -> context.probes().list());
    routes.put(
        "POST " + Api.PROBES,
        request -> context.probes().add(ProbeSpec.fromJson(request.body()), request.user()));
    routes.put(
        "DELETE " + Api.PROBES,
        request -> {
          if (request.booleanParam("all", false)) {
            return ProbeRemoved.answer(context.probes().removeAll("removed by " + request.user()));
          }
          String id = request.require("id", "the probe's id (see `jlive probe list`), or all=true");
          return ProbeRemoved.answer(
              List.of(context.probes().remove(id, "removed by " + request.user())));
        });
    routes.put(
        "POST " + Api.PATCHES,
        request ->
            context
                .patches()
                .apply(PatchRequest.fromJson(request.body()), request.user())
                .toJson());
    routes.put(
        "GET " + Api.PATCHES,
        request -> {
          if (request.optional("id") != null) {
            return context.patches().diff(request.optional("id")).toJson();
          }
          Map<String, Object> list = new LinkedHashMap<>(context.patches().list().toJson());
          // Only when asked: sources can be large, and `jlive patches` does not show them.
          if (request.booleanParam("sources", false)) {
            list.put("sources", context.patches().sources());
          }
          return list;
        });
    routes.put(
        "DELETE " + Api.PATCHES,
        request ->
            context
                .patches()
                .revert(
                    request.require("id", "the patch's id (see `jlive changes`)"),
                    "reverted by " + request.user(),
                    false)
                .toJson());
    routes.put(
        "DELETE " + Api.CHANGES,
        request ->
            context.revert(
                request.require("id", "the change's id (see `jlive changes`)"),
                "reverted by " + request.user()));
    putShadowRoutes(routes, context);
    putRecordRoutes(routes, context);
    routes.put("GET " + Api.EVENTS, request -> events(context, request));
    routes.put(
        "GET " + Api.PROBE_METRICS, request -> context.probes().metrics(request.optional("probe")));
    routes.put(
        "GET " + Api.PROMETHEUS,
        request ->
            new TextAnswer(
                "text/plain; version=0.0.4; charset=utf-8", context.probes().prometheus()));
    routes.put(
        "GET " + Api.BYTECODE,
        request ->
            bytecode(
                context,
                request.require("class", "a loaded class's name"),
                request.optional("loader")));
    routes.put("GET " + Api.CHANGES, request -> context.ledger().toLedger().toJson());
    routes.put(
        "GET " + Api.SIDE_EFFECTS,
        request ->
            SideEffectAnswer.check(
                context.instrumentation(),
                request.require("class", "a loaded class's name"),
                request.require("method", "a method's name, e.g. discountedPrice"),
                request.optional("descriptor"),
                request.optional("loader")));
    routes.put(
        "POST " + Api.DETACH,
        request -> {
          context.log().log(System.Logger.Level.INFO, "detach requested by " + request.user());
          context.requestStop().run();
          return DetachResult.ACCEPTED.toJson();
        });
    return routes;
  }

  /** Shadow runs of a candidate patch: start, report, drop, promote. */
  private static void putShadowRoutes(Map<String, Route> routes, AgentContext context) {
    routes.put(
        "POST " + Api.SHADOWS,
        request -> context.shadows().begin(ShadowRequest.fromJson(request.body()), request.user()));
    routes.put(
        "GET " + Api.SHADOWS,
        request ->
            request.optional("id") == null
                ? JsonObject.create().put("shadows", context.shadows().list()).toMap()
                : context.shadows().report(request.optional("id")));
    routes.put(
        "DELETE " + Api.SHADOWS,
        request ->
            context
                .shadows()
                .drop(
                    request.require("id", "the shadow's id (see `jlive shadow PID`)"),
                    "dropped by " + request.user()));
    routes.put(
        "POST " + Api.SHADOW_PROMOTE,
        request ->
            context
                .shadows()
                .promote(
                    StrictObject.of(request.body(), "the promote request", Set.of("id"))
                        .rejectUnknown()
                        .requireString("id", "\"s1\""),
                    request.user())
                .toJson());
  }

  /** Recordings of a method's calls and replays of them against a candidate patch. */
  private static void putRecordRoutes(Map<String, Route> routes, AgentContext context) {
    String id = "the recording's id (jlive record prints it)";
    routes.put(
        "POST " + Api.RECORDINGS,
        request -> context.records().begin(RecordRequest.fromJson(request.body()), request.user()));
    routes.put(
        "GET " + Api.RECORDINGS, request -> context.records().status(request.require("id", id)));
    routes.put(
        "DELETE " + Api.RECORDINGS, request -> context.records().end(request.require("id", id)));
    routes.put(
        "GET " + Api.RECORDING_FILE, request -> context.records().file(request.require("id", id)));
    routes.put("POST " + Api.REPLAYS, request -> context.records().replay(request.body()));
  }

  /**
   * Events after a sequence number; with {@code waitMillis}, waits up to that long for the first
   * one, so {@code jlive tail} can follow a probe without polling fast.
   */
  private static Object events(AgentContext context, Request request) throws InterruptedException {
    long after = request.longParam("after", -1);
    String probe = request.optional("probe");
    if (after < 0) {
      after = context.probes().beforeNewestEvents(probe, Math.max(0, request.intParam("last", 0)));
    }
    int limit = Math.max(1, Math.min(1000, request.intParam("limit", 200)));
    long waitMillis = Math.max(0, Math.min(MAX_WAIT_MILLIS, request.intParam("waitMillis", 0)));
    long deadline = System.nanoTime() + waitMillis * 1_000_000L;
    while (true) {
      EventsAnswer answer = context.probes().events(after, probe, limit);
      if (!answer.events().isEmpty() || System.nanoTime() >= deadline) {
        return answer;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** A digest of the bytes a class runs now, to compare before and after a change. */
  private static Object bytecode(AgentContext context, String className, String loaderId)
      throws Exception {
    for (Class<?> type : context.instrumentation().getAllLoadedClasses()) {
      if (type.getName().equals(className)
          && ClassSearch.isVisible(type)
          && (loaderId == null || ClassLoaders.id(type.getClassLoader()).equals(loaderId))) {
        byte[] bytes = ClassBytes.current(context.instrumentation(), type);
        return new BytecodeDigest(
                className,
                ClassLoaders.describe(type.getClassLoader()),
                bytes.length,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
            .toJson();
      }
    }
    throw new JLiveException(
        ErrorCode.CLASS_NOT_FOUND,
        "class " + className + " is not loaded",
        "`jlive classes` lists loaded classes");
  }

  private static final long MAX_WAIT_MILLIS = 10_000;
  private static final long POLL_MILLIS = 50;
}

package dev.jlive.agent.probe;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.StrictObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a user asked for when adding a probe, validated. Budgets are on by default: a probe that
 * forgets them still cannot flood the log, run forever or eat the CPU.
 *
 * @param template the log message (for {@link Kind#LOG}), see {@link Template}
 * @param sampleOneIn act on one call in this many (1 = every call)
 * @param ratePerSecond emitted events per second at most; more are dropped
 * @param maxHits calls after which the probe disables itself, 0 for no limit
 * @param timeToLive how long the probe lives before it disables itself
 * @param cpuPercent share of one CPU the probe's own work may take before it disables itself
 * @param waitForClass true to keep the probe when no loaded class matches yet
 * @param appLog true to also write log lines to the application's own logger
 * @param when a Java boolean expression the call must satisfy, or null
 * @param allowSideEffects true to accept a condition that is not provably read-only
 * @param line the source line a line probe acts before, 0 for method probes
 * @param timeOneIn a metrics probe times a random one in this many calls (after each thread's first
 *     {@value Probe#EXACT_TIMINGS_PER_THREAD}, which are all timed); 1 = time every call. Call and
 *     exception counts are always exact.
 * @param allowJdk true to probe classes of the JDK itself, which are refused otherwise
 */
public record ProbeSpec(
    MethodSelector selector, Kind kind, Point point, String template, int sampleOneIn, int ratePerSecond, long maxHits,
    Duration timeToLive, double cpuPercent, boolean waitForClass, boolean appLog, String when, boolean allowSideEffects,
    int line, int timeOneIn, boolean allowJdk) {

  /** What a probe does at its point. */
  public enum Kind {
    /** Counts calls; nothing else, at the lowest cost. */
    COUNT,
    /** Counts calls and exceptions by type, and times calls into a latency histogram. */
    METRICS,
    /** Writes a message from a template. */
    LOG,
    /** Takes a snapshot: arguments, return value, fields of this, the stack. */
    CAPTURE,
    /** Counts the distinct call paths that reach the method. */
    CALLERS
  }

  /** Where in the method a probe acts. */
  public enum Point {
    ENTRY,
    EXIT,
    EXCEPTION,
    /** Before a source line runs ({@code --line}). */
    LINE
  }

  static final int DEFAULT_RATE = 100;
  static final Duration DEFAULT_TTL = Duration.ofHours(1);
  static final double DEFAULT_CPU_PERCENT = 5.0;
  /** Two clock reads cost about 65 ns on a kvm-clock VM; timing one call in 8 brings that to about 8 ns a call. */
  static final int DEFAULT_TIME_ONE_IN = 8;

  /** Reads a probe request from the endpoint's JSON body, with strict types and no unknown field. */
  public static ProbeSpec fromJson(Map<String, Object> json) {
    StrictObject body = new StrictObject(json, "the probe request", Api.PROBE_FIELDS).rejectUnknown();
    MethodSelector selector = MethodSelector.parse(body.requireString("selector", "\"com.acme.Cart#add\""));
    Kind kind = parseEnum(Kind.class, body.requireString("kind", "\"metrics\""), "kind", "log, metrics, count, capture or callers");
    Point point = parseEnum(Point.class, Objects.requireNonNullElse(body.optionalString("at"), "entry"), "at",
        "entry, exit or exception");
    String template = body.optionalString("template");
    if (kind == Kind.LOG && (template == null || template.isBlank())) {
      throw bad("a log probe needs a message template", "e.g. --log 'qty={quantity} price={priceCents} -> {return}'");
    }
    if (kind != Kind.LOG && template != null) {
      throw bad("only log probes take a message template", "drop the template, or use --log");
    }
    if ((kind == Kind.METRICS || kind == Kind.COUNT || kind == Kind.CALLERS) && body.has("at")
        && point != Point.ENTRY) {
      throw bad(kind.name().toLowerCase(Locale.ROOT) + " probes cover whole calls; --at does not apply",
          "drop --at, or use --log or --capture");
    }
    int sample = (int) body.optionalLong("sampleOneIn", 1, 1, 1_000_000_000);
    int rate = (int) body.optionalLong("ratePerSecond", DEFAULT_RATE, 1, 1_000_000);
    long maxHits = body.optionalLong("maxHits", 0, 0, Long.MAX_VALUE);
    long ttlMillis = body.optionalLong("ttlMillis", DEFAULT_TTL.toMillis(), 1, Duration.ofDays(30).toMillis());
    double cpu = body.optionalDouble("cpuPercent", DEFAULT_CPU_PERCENT, 0.01, 100);
    boolean wait = body.optionalBoolean("wait", false);
    boolean appLog = body.optionalBoolean("appLog", true);
    String when = body.optionalString("when");
    if (when != null && when.isBlank()) {
      when = null;
    }
    if (when != null && kind != Kind.LOG && kind != Kind.CAPTURE) {
      throw bad("--when applies to log and capture probes", "drop --when, or use --log or --capture");
    }
    boolean sideEffects = body.optionalBoolean("allowSideEffects", false);
    int line = (int) body.optionalLong("line", 0, 1, Integer.MAX_VALUE);
    if (body.has("timeOneIn") && kind != Kind.METRICS) {
      throw bad("only metrics probes time calls; timeOneIn does not apply", "drop timeOneIn, or use --metrics");
    }
    int timeOneIn = (int) body.optionalLong("timeOneIn", DEFAULT_TIME_ONE_IN, 1, 1_000_000);
    if (line > 0) {
      if (body.has("at")) {
        throw bad("a line probe acts before its line; --at does not apply", "drop --at, or drop --line");
      }
      if (kind != Kind.LOG && kind != Kind.CAPTURE && kind != Kind.COUNT) {
        throw bad("line probes can log, capture or count", "use --log, --capture or --count with --line");
      }
      if (wait) {
        throw bad("a line probe needs its class loaded, to read its line and variable tables", "drop --wait");
      }
      point = Point.LINE;
    }
    return new ProbeSpec(selector, kind, point, template, sample, rate, maxHits, Duration.ofMillis(ttlMillis), cpu, wait, appLog,
        when, sideEffects, line, timeOneIn, body.optionalBoolean("allowJdk", false));
  }

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("selector", selector.toString());
    json.put("kind", kind.name().toLowerCase(Locale.ROOT));
    json.put("at", point.name().toLowerCase(Locale.ROOT));
    if (template != null) {
      json.put("template", template);
    }
    json.put("sampleOneIn", sampleOneIn);
    json.put("ratePerSecond", ratePerSecond);
    json.put("maxHits", maxHits);
    json.put("ttlMillis", timeToLive.toMillis());
    json.put("cpuPercent", cpuPercent);
    if (kind == Kind.METRICS) {
      json.put("timeOneIn", timeOneIn);
    }
    if (kind == Kind.LOG) {
      json.put("appLog", appLog);
    }
    if (when != null) {
      json.put("when", when);
    }
    if (allowJdk) {
      json.put("allowJdk", true);
    }
    if (line > 0) {
      json.put("line", line);
    }
    return json;
  }

  /** Whether the probe needs arguments and the receiver, which costs boxing on every call. */
  boolean looksAtCalls() {
    return kind == Kind.LOG || kind == Kind.CAPTURE;
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String text, String key, String choices) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad("'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "' is not a valid " + key, "choose " + choices);
    }
  }

  private static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, message, hint);
  }
}

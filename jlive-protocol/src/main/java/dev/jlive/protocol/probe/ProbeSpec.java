package dev.jlive.protocol.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a user asked for when adding a probe, validated. Budgets are on by default: a probe that
 * forgets them still cannot flood the log, run forever or eat the CPU.
 *
 * <p>The one check of a probe request: the CLI builds one before sending, the controller reads one
 * before storing a change and fanning it out, the agent reads one before installing. Only what
 * needs the running JVM (is the class loaded, does the condition compile) is checked later.
 *
 * @param point where the probe acts; null means the default, {@link Point#LINE} for a line probe
 *     and {@link Point#ENTRY} otherwise
 * @param template the log message (for {@link Kind#LOG})
 * @param sampleOneIn act on one call in this many (1 = every call); a callers probe walks the stack
 *     of {@link #DEFAULT_CALLERS_SAMPLE_ONE_IN} calls by default (after each thread's first calls)
 * @param ratePerSecond emitted events per second at most; more are dropped
 * @param maxHits calls after which the probe disables itself, 0 for no limit
 * @param timeToLive how long the probe lives before it disables itself
 * @param cpuPercent share of one CPU the probe's own work may take before it disables itself
 * @param waitForClass true to keep the probe when no loaded class matches yet
 * @param appLog true to also write log lines to the application's own logger
 * @param when a Java boolean expression the call must satisfy, or null (a blank one is none)
 * @param allowSideEffects true to accept a condition that is not provably read-only
 * @param line the source line a line probe acts before, 0 for method probes
 * @param timeOneIn a metrics probe times a random one in this many calls (after each thread's first
 *     calls, which are all timed); 1 = time every call. 0 for the other kinds, which do not time
 *     calls. Call and exception counts are always exact.
 * @param allowJdk true to probe classes of the JDK itself, which are refused otherwise
 * @param traceDepth levels of the call tree a trace times: 1 times the calls the method makes, 2
 *     also the calls those callees make (the application's own, woven too), up to {@link
 *     #MAX_TRACE_DEPTH}; 1 for the other kinds
 */
public record ProbeSpec(
    MethodSelector selector,
    Kind kind,
    Point point,
    String template,
    int sampleOneIn,
    int ratePerSecond,
    long maxHits,
    Duration timeToLive,
    double cpuPercent,
    boolean waitForClass,
    boolean appLog,
    String when,
    boolean allowSideEffects,
    int line,
    int timeOneIn,
    boolean allowJdk,
    int captureDepth,
    int captureMaxChars,
    int traceDepth)
    implements JsonWritable {

  /** Every field of a probe request (the body of POST /v1/probes); anything else is refused. */
  public static final Set<String> FIELDS =
      Set.of(
          "selector",
          "kind",
          "at",
          "template",
          "sampleOneIn",
          "ratePerSecond",
          "maxHits",
          "ttlMillis",
          "cpuPercent",
          "wait",
          "appLog",
          "when",
          "allowSideEffects",
          "line",
          "timeOneIn",
          "allowJdk",
          "depth",
          "maxSize",
          "traceDepth");

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
    CALLERS,
    /** Times each call the method makes: calls and time per callee ({@code --trace}). */
    TRACE,
    /** Times each source line of the method: hits and time per line ({@code --profile-lines}). */
    LINES
  }

  /** Where in the method a probe acts. */
  public enum Point {
    ENTRY,
    EXIT,
    EXCEPTION,
    /** Before a source line runs ({@code --line}). */
    LINE
  }

  public static final int DEFAULT_SAMPLE_ONE_IN = 1;

  /** A stack walk costs microseconds: a callers probe samples unless told otherwise. */
  public static final int DEFAULT_CALLERS_SAMPLE_ONE_IN = 64;

  public static final int DEFAULT_RATE = 100;
  public static final long DEFAULT_MAX_HITS = 0;
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  public static final double DEFAULT_CPU_PERCENT = 5.0;

  /**
   * Two clock reads cost tens of ns; timing one call in 8 divides that by 8 (docs/BENCHMARKS.md).
   */
  public static final int DEFAULT_TIME_ONE_IN = 8;

  /** How deep a capture follows references: the probed values' own fields, and theirs. */
  public static final int DEFAULT_CAPTURE_DEPTH = 2;

  /** Characters of one whole capture (arguments, this, return value, stack). */
  public static final int DEFAULT_CAPTURE_MAX_CHARS = 16_384;

  static final int MAX_CAPTURE_DEPTH = 8;

  /** Each level weaves the callees of the one above: the woven methods multiply with the depth. */
  public static final int MAX_TRACE_DEPTH = 4;

  static final int MIN_CAPTURE_CHARS = 256;
  static final int MAX_CAPTURE_CHARS = 1 << 20;
  static final long MAX_SAMPLE_ONE_IN = 1_000_000_000;
  static final long MAX_RATE = 1_000_000;
  static final long MAX_TIME_ONE_IN = 1_000_000;
  static final Duration MAX_TTL = Duration.ofDays(30);
  static final double MIN_CPU_PERCENT = 0.01;
  static final double MAX_CPU_PERCENT = 100;
  private static final String WHAT = "the probe request";

  public ProbeSpec {
    if (selector == null) {
      throw bad(WHAT + " needs 'selector'", "send e.g. {\"selector\": \"com.acme.Cart#add\"}");
    }
    if (kind == null) {
      throw bad(WHAT + " needs 'kind'", "send e.g. {\"kind\": \"metrics\"}");
    }
    if (line < 0) {
      throw outOfRange("line", line, 1, Integer.MAX_VALUE);
    }
    if (point == null) {
      point = line > 0 ? Point.LINE : Point.ENTRY;
    }
    if (when != null && when.isBlank()) {
      when = null;
    }
    if (kind == Kind.LOG && (template == null || template.isBlank())) {
      throw bad(
          "a log probe needs a message template",
          "e.g. --log 'qty={quantity} price={priceCents} -> {return}'");
    }
    if (kind != Kind.LOG && template != null) {
      throw bad("only log probes take a message template", "drop the template, or use --log");
    }
    boolean wholeCalls =
        kind == Kind.METRICS
            || kind == Kind.COUNT
            || kind == Kind.CALLERS
            || kind == Kind.TRACE
            || kind == Kind.LINES;
    if (wholeCalls && point != Point.ENTRY && point != Point.LINE) {
      throw bad(
          JsonObject.wireName(kind) + " probes cover whole calls; --at does not apply",
          "drop --at, or use --log or --capture");
    }
    checkRange("sampleOneIn", sampleOneIn, 1, MAX_SAMPLE_ONE_IN);
    checkRange("ratePerSecond", ratePerSecond, 1, MAX_RATE);
    checkRange("maxHits", maxHits, 0, Long.MAX_VALUE);
    Objects.requireNonNull(timeToLive, "timeToLive");
    checkRange("ttlMillis", timeToLive.toMillis(), 1, MAX_TTL.toMillis());
    if (!(cpuPercent >= MIN_CPU_PERCENT && cpuPercent <= MAX_CPU_PERCENT)) {
      throw bad(
          WHAT
              + ": 'cpuPercent' must be from "
              + MIN_CPU_PERCENT
              + " to "
              + MAX_CPU_PERCENT
              + ", not "
              + cpuPercent,
          "send a number in that range");
    }
    if (when != null && kind != Kind.LOG && kind != Kind.CAPTURE) {
      throw bad(
          "--when applies to log and capture probes", "drop --when, or use --log or --capture");
    }
    if (kind == Kind.METRICS) {
      checkRange("timeOneIn", timeOneIn, 1, MAX_TIME_ONE_IN);
    } else if (timeOneIn != 0) {
      throw notTimed();
    }
    if (line > 0) {
      if (point != Point.LINE) {
        throw bad(
            "a line probe acts before its line; --at does not apply", "drop --at, or drop --line");
      }
      if (kind != Kind.LOG && kind != Kind.CAPTURE && kind != Kind.COUNT) {
        throw bad(
            "line probes can log, capture or count", "use --log, --capture or --count with --line");
      }
      if (waitForClass) {
        throw bad(
            "a line probe needs its class loaded, to read its line and variable tables",
            "drop --wait");
      }
    } else if (point == Point.LINE) {
      throw bad("a probe at a line needs the line's number", "give --line N instead of --at line");
    }
    if (kind != Kind.CAPTURE
        && (captureDepth != DEFAULT_CAPTURE_DEPTH
            || captureMaxChars != DEFAULT_CAPTURE_MAX_CHARS)) {
      throw bad(
          "depth and maxSize bound what a capture probe shows; a "
              + wireName(kind)
              + " probe shows"
              + " no values",
          "drop --depth and --max-size, or use --capture");
    }
    checkRange("depth", captureDepth, 0, MAX_CAPTURE_DEPTH);
    checkRange("maxSize", captureMaxChars, MIN_CAPTURE_CHARS, MAX_CAPTURE_CHARS);
    if (kind != Kind.TRACE && traceDepth != 1) {
      throw bad(
          "traceDepth is how deep a trace follows calls; a "
              + wireName(kind)
              + " probe traces none",
          "drop --trace-depth, or use --trace");
    }
    checkRange("traceDepth", traceDepth, 1, MAX_TRACE_DEPTH);
  }

  private static String wireName(Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a probe request from a user (an agent's POST /v1/probes body): strict types, no unknown
   * field.
   */
  public static ProbeSpec fromJson(Object json) {
    return fromJson(json, WHAT);
  }

  /**
   * Reads a probe request named as the reader knows it: the controller reads a change's spec as
   * {@code "the probe spec"}.
   */
  public static ProbeSpec fromJson(Object json, String what) {
    StrictObject body = StrictObject.of(json, what, FIELDS).rejectUnknown();
    MethodSelector selector =
        MethodSelector.parse(body.requireString("selector", "\"com.acme.Cart#add\""));
    Kind kind = body.requireEnum("kind", Kind.class);
    Point point = body.optionalEnum("at", Point.class, null);
    String template = body.optionalString("template");
    int sample =
        (int) body.optionalLong("sampleOneIn", defaultSampleOneIn(kind), 1, MAX_SAMPLE_ONE_IN);
    int rate = (int) body.optionalLong("ratePerSecond", DEFAULT_RATE, 1, MAX_RATE);
    long maxHits = body.optionalLong("maxHits", DEFAULT_MAX_HITS, 0, Long.MAX_VALUE);
    long ttlMillis = body.optionalLong("ttlMillis", DEFAULT_TTL.toMillis(), 1, MAX_TTL.toMillis());
    double cpu =
        body.optionalDouble("cpuPercent", DEFAULT_CPU_PERCENT, MIN_CPU_PERCENT, MAX_CPU_PERCENT);
    boolean wait = body.optionalBoolean("wait", false);
    boolean appLog = body.optionalBoolean("appLog", true);
    String when = body.optionalString("when");
    boolean sideEffects = body.optionalBoolean("allowSideEffects", false);
    int line = (int) body.optionalLong("line", 0, 1, Integer.MAX_VALUE);
    int timeOneIn =
        (int) body.optionalLong("timeOneIn", defaultTimeOneIn(kind), 1, MAX_TIME_ONE_IN);
    boolean allowJdk = body.optionalBoolean("allowJdk", false);
    int depth = (int) body.optionalLong("depth", DEFAULT_CAPTURE_DEPTH, 0, MAX_CAPTURE_DEPTH);
    int maxSize =
        (int)
            body.optionalLong(
                "maxSize", DEFAULT_CAPTURE_MAX_CHARS, MIN_CAPTURE_CHARS, MAX_CAPTURE_CHARS);
    int traceDepth = (int) body.optionalLong("traceDepth", 1, 1, MAX_TRACE_DEPTH);
    return new ProbeSpec(
        selector,
        kind,
        point,
        template,
        sample,
        rate,
        maxHits,
        Duration.ofMillis(ttlMillis),
        cpu,
        wait,
        appLog,
        when,
        sideEffects,
        line,
        timeOneIn,
        allowJdk,
        depth,
        maxSize,
        traceDepth);
  }

  /**
   * The request as sent: the selector, the kind and every field that differs from its default, so
   * that the agent's defaults apply and a change reads as the user wrote it.
   */
  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("selector", selector.toString())
        .put("kind", kind)
        .put("template", template)
        .putIf(point != defaultPoint(line), "at", point)
        .putIf(line > 0, "line", line)
        .putIf(sampleOneIn != defaultSampleOneIn(kind), "sampleOneIn", sampleOneIn)
        .putIf(ratePerSecond != DEFAULT_RATE, "ratePerSecond", ratePerSecond)
        .putIf(maxHits != DEFAULT_MAX_HITS, "maxHits", maxHits)
        .putIf(!timeToLive.equals(DEFAULT_TTL), "ttlMillis", timeToLive.toMillis())
        .putIf(cpuPercent != DEFAULT_CPU_PERCENT, "cpuPercent", cpuPercent)
        .putIf(timeOneIn != defaultTimeOneIn(kind), "timeOneIn", timeOneIn)
        .putIf(waitForClass, "wait", true)
        .putIf(!appLog, "appLog", false)
        .put("when", when)
        .putIf(allowJdk, "allowJdk", true)
        .putIf(allowSideEffects, "allowSideEffects", true)
        .putIf(captureDepth != DEFAULT_CAPTURE_DEPTH, "depth", captureDepth)
        .putIf(captureMaxChars != DEFAULT_CAPTURE_MAX_CHARS, "maxSize", captureMaxChars)
        .putIf(traceDepth != 1, "traceDepth", traceDepth)
        .toMap();
  }

  /**
   * Every budget in force, defaults included: what a probe listing shows. It reads back as the same
   * spec ({@code "at": "line"} goes with a line).
   */
  public Map<String, Object> effectiveJson() {
    return JsonObject.create()
        .put("selector", selector.toString())
        .put("kind", kind)
        .put("at", point)
        .put("template", template)
        .put("sampleOneIn", sampleOneIn)
        .put("ratePerSecond", ratePerSecond)
        .put("maxHits", maxHits)
        .put("ttlMillis", timeToLive.toMillis())
        .put("cpuPercent", cpuPercent)
        .putIf(kind == Kind.METRICS, "timeOneIn", timeOneIn)
        .putIf(kind == Kind.LOG, "appLog", appLog)
        .put("when", when)
        .putIf(allowJdk, "allowJdk", true)
        .putIf(line > 0, "line", line)
        .putIf(kind == Kind.CAPTURE, "depth", captureDepth)
        .putIf(kind == Kind.CAPTURE, "maxSize", captureMaxChars)
        .putIf(kind == Kind.TRACE, "traceDepth", traceDepth)
        .toMap();
  }

  /** Whether the probe needs arguments and the receiver, which costs boxing on every call. */
  public boolean looksAtCalls() {
    return kind == Kind.LOG || kind == Kind.CAPTURE;
  }

  /** A kind by its wire name ({@code metrics}), refused as a request's {@code "kind"} is. */
  public static Kind kindNamed(String name) {
    return StrictObject.of(Map.of("kind", name), WHAT, Set.of("kind"))
        .requireEnum("kind", Kind.class);
  }

  /** A point by its wire name ({@code exit}), refused as a request's {@code "at"} is. */
  public static Point pointNamed(String name) {
    return StrictObject.of(Map.of("at", name), WHAT, Set.of("at"))
        .optionalEnum("at", Point.class, null);
  }

  /** A probe request built in code (the CLI, the bench), with the defaults a JSON request gets. */
  public static Builder builder(String selector, Kind kind) {
    return new Builder(MethodSelector.parse(selector), kind);
  }

  /** Builds a {@link ProbeSpec}; {@link #build} checks it as a received request is checked. */
  public static final class Builder {
    private final MethodSelector selector;
    private final Kind kind;
    private Point point;
    private String template;
    private Long sampleOneIn;
    private long ratePerSecond = DEFAULT_RATE;
    private long maxHits = DEFAULT_MAX_HITS;
    private Duration timeToLive = DEFAULT_TTL;
    private double cpuPercent = DEFAULT_CPU_PERCENT;
    private boolean waitForClass;
    private boolean appLog = true;
    private String when;
    private boolean allowSideEffects;
    private long line;
    private Long timeOneIn;
    private boolean allowJdk;
    private long captureDepth = DEFAULT_CAPTURE_DEPTH;
    private long captureMaxChars = DEFAULT_CAPTURE_MAX_CHARS;
    private long traceDepth = 1;

    private Builder(MethodSelector selector, Kind kind) {
      this.selector = selector;
      this.kind = kind;
    }

    public Builder at(Point point) {
      this.point = point;
      return this;
    }

    public Builder template(String template) {
      this.template = template;
      return this;
    }

    public Builder sampleOneIn(long sampleOneIn) {
      this.sampleOneIn = sampleOneIn;
      return this;
    }

    public Builder ratePerSecond(long ratePerSecond) {
      this.ratePerSecond = ratePerSecond;
      return this;
    }

    public Builder maxHits(long maxHits) {
      this.maxHits = maxHits;
      return this;
    }

    public Builder timeToLive(Duration timeToLive) {
      this.timeToLive = timeToLive;
      return this;
    }

    public Builder cpuPercent(double cpuPercent) {
      this.cpuPercent = cpuPercent;
      return this;
    }

    public Builder waitForClass(boolean waitForClass) {
      this.waitForClass = waitForClass;
      return this;
    }

    public Builder appLog(boolean appLog) {
      this.appLog = appLog;
      return this;
    }

    public Builder when(String when) {
      this.when = when;
      return this;
    }

    public Builder allowSideEffects(boolean allowSideEffects) {
      this.allowSideEffects = allowSideEffects;
      return this;
    }

    public Builder line(long line) {
      this.line = line;
      return this;
    }

    public Builder timeOneIn(long timeOneIn) {
      this.timeOneIn = timeOneIn;
      return this;
    }

    public Builder allowJdk(boolean allowJdk) {
      this.allowJdk = allowJdk;
      return this;
    }

    /** How deep a capture follows references (0: the values' own text only). */
    public Builder captureDepth(long captureDepth) {
      this.captureDepth = captureDepth;
      return this;
    }

    /** Characters of one whole capture. */
    public Builder captureMaxChars(long captureMaxChars) {
      this.captureMaxChars = captureMaxChars;
      return this;
    }

    /** Levels of the call tree a trace times (1: the method's own calls). */
    public Builder traceDepth(long traceDepth) {
      this.traceDepth = traceDepth;
      return this;
    }

    public ProbeSpec build() {
      // Numbers are checked as a request's are, before they are narrowed to the record's ints.
      long sample = sampleOneIn == null ? defaultSampleOneIn(kind) : sampleOneIn;
      checkRange("sampleOneIn", sample, 1, MAX_SAMPLE_ONE_IN);
      checkRange("ratePerSecond", ratePerSecond, 1, MAX_RATE);
      if (line < 0 || line > Integer.MAX_VALUE) {
        throw outOfRange("line", line, 1, Integer.MAX_VALUE);
      }
      long time = timeOneIn == null ? defaultTimeOneIn(kind) : timeOneIn;
      if (timeOneIn != null && kind != Kind.METRICS) {
        throw notTimed();
      }
      checkRange("timeOneIn", time, kind == Kind.METRICS ? 1 : 0, MAX_TIME_ONE_IN);
      checkRange("depth", captureDepth, 0, MAX_CAPTURE_DEPTH);
      checkRange("maxSize", captureMaxChars, MIN_CAPTURE_CHARS, MAX_CAPTURE_CHARS);
      checkRange("traceDepth", traceDepth, 1, MAX_TRACE_DEPTH);
      return new ProbeSpec(
          selector,
          kind,
          point,
          template,
          (int) sample,
          (int) ratePerSecond,
          maxHits,
          timeToLive,
          cpuPercent,
          waitForClass,
          appLog,
          when,
          allowSideEffects,
          (int) line,
          (int) time,
          allowJdk,
          (int) captureDepth,
          (int) captureMaxChars,
          (int) traceDepth);
    }
  }

  private static int defaultSampleOneIn(Kind kind) {
    return kind == Kind.CALLERS ? DEFAULT_CALLERS_SAMPLE_ONE_IN : DEFAULT_SAMPLE_ONE_IN;
  }

  private static int defaultTimeOneIn(Kind kind) {
    return kind == Kind.METRICS ? DEFAULT_TIME_ONE_IN : 0;
  }

  private static Point defaultPoint(int line) {
    return line > 0 ? Point.LINE : Point.ENTRY;
  }

  private static JLiveException notTimed() {
    return bad(
        "only metrics probes time calls; timeOneIn does not apply",
        "drop timeOneIn, or use --metrics");
  }

  private static void checkRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw outOfRange(field, value, min, max);
    }
  }

  private static JLiveException outOfRange(String field, long value, long min, long max) {
    return bad(
        WHAT + ": '" + field + "' must be from " + min + " to " + max + ", not " + value,
        "send a number in that range");
  }

  private static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, message, hint);
  }
}

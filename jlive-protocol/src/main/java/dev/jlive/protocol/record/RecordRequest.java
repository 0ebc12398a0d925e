package dev.jlive.protocol.record;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.probe.MethodSelector;
import dev.jlive.protocol.probe.ProbeSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A recording of one method's calls (arguments, receiver, outcome) into a record file: the body of
 * the agent's {@code POST /v1/recordings}. It runs as a capture probe, under a probe's budgets.
 *
 * @param selector the method, {@code Class#method} (one method: an overloaded name needs its
 *     descriptor)
 * @param when a condition over the arguments a recorded call must satisfy, or null
 * @param count the recording ends after this many calls
 * @param duration the recording ends after this long, whatever it has
 * @param sampleOneIn record one call in this many
 * @param depth how deep a capture follows references below each argument and the receiver
 * @param maxBytes the bytes one call's capture may take; a larger one is cut and marked
 * @param cpuPercent the share of one CPU the recording's copies may take before it stops, as a
 *     probe's {@code --cpu}
 */
public record RecordRequest(
    String selector,
    String when,
    int count,
    Duration duration,
    int sampleOneIn,
    int depth,
    int maxBytes,
    double cpuPercent)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "selector",
          "when",
          "count",
          "durationMillis",
          "sampleOneIn",
          "depth",
          "maxBytes",
          "cpuPercent");

  public static final int DEFAULT_COUNT = 100;
  public static final int MAX_COUNT = 100_000;
  public static final Duration DEFAULT_DURATION = Duration.ofMinutes(1);
  public static final Duration MAX_DURATION = Duration.ofHours(1);
  public static final int DEFAULT_DEPTH = 8;
  public static final int MAX_DEPTH = 8;
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;
  public static final int MIN_MAX_BYTES = 256;
  public static final int MAX_MAX_BYTES = 1 << 20;

  /** What all the calls of one recording may hold in the agent's memory. */
  public static final long MAX_TOTAL_BYTES = 64L << 20;

  private static final String WHAT = "the record request";

  public RecordRequest {
    if (selector == null || selector.isBlank()) {
      throw bad(
          "needs the method, 'Class#method'", "e.g. jlive record PID 'com.acme.Pricing#price'");
    }
    MethodSelector.parse(selector);
    if (when != null && when.isBlank()) {
      when = null;
    }
    range("--count", count, 1, MAX_COUNT, "e.g. --count 500");
    if (duration == null) {
      duration = DEFAULT_DURATION;
    }
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      throw bad(
          "--duration must be more than 0 and at most 1h, not " + duration, "e.g. --duration 30s");
    }
    range("--sample", sampleOneIn, 1, 1_000_000_000, "e.g. --sample 10 records one call in 10");
    range("--depth", depth, 0, MAX_DEPTH, "e.g. --depth 4");
    range("--max-size", maxBytes, MIN_MAX_BYTES, MAX_MAX_BYTES, "e.g. --max-size 65536 (bytes)");
    if (!(cpuPercent >= 0.01 && cpuPercent <= 100)) {
      throw bad("--cpu must be from 0.01 to 100, not " + cpuPercent, "e.g. --cpu 5");
    }
  }

  public static RecordRequest fromJson(Object json) {
    StrictObject body = StrictObject.of(json, WHAT, FIELDS).rejectUnknown();
    return new RecordRequest(
        body.requireString("selector", "\"com.acme.Pricing#price\""),
        body.optionalString("when"),
        (int) body.optionalLong("count", DEFAULT_COUNT, 1, MAX_COUNT),
        Duration.ofMillis(
            body.optionalLong(
                "durationMillis", DEFAULT_DURATION.toMillis(), 1, MAX_DURATION.toMillis())),
        (int) body.optionalLong("sampleOneIn", 1, 1, 1_000_000_000),
        (int) body.optionalLong("depth", DEFAULT_DEPTH, 0, MAX_DEPTH),
        (int) body.optionalLong("maxBytes", DEFAULT_MAX_BYTES, MIN_MAX_BYTES, MAX_MAX_BYTES),
        body.optionalDouble("cpuPercent", ProbeSpec.DEFAULT_CPU_PERCENT, 0.01, 100));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("selector", selector)
        .put("when", when)
        .put("count", count)
        .put("durationMillis", duration.toMillis())
        .put("sampleOneIn", sampleOneIn)
        .put("depth", depth)
        .put("maxBytes", maxBytes)
        .put("cpuPercent", cpuPercent)
        .toMap();
  }

  private static void range(String option, long value, long min, long max, String example) {
    if (value < min || value > max) {
      throw bad(option + " must be from " + min + " to " + max + ", not " + value, example);
    }
  }

  private static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, WHAT + ": " + message, hint);
  }
}

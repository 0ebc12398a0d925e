package dev.jlive.protocol.shadow;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.patch.PatchRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A shadow run: the candidate patch runs beside the running code on sampled live calls, and the two
 * outcomes are compared; nothing of the candidate reaches the callers. The body of the agent's
 * {@code POST /v1/shadows}.
 *
 * @param patch the candidate, as {@code jlive patch} sends it (its safe-point fields are used only
 *     when the shadow is promoted)
 * @param sampleEvery one call in this many is shadowed ({@code --sample 1/N})
 * @param duration how long the shadow runs before it expires
 * @param expect an expression over the arguments that is true where differences are expected, or
 *     null when none are
 * @param learnNoise whether the old code is also run a second time on a sample, so that the parts
 *     of a result that differ between two runs of the same code are not counted as differences
 */
public record ShadowRequest(
    PatchRequest patch, int sampleEvery, Duration duration, String expect, boolean learnNoise)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of("patch", "sampleEvery", "durationMillis", "expect", "learnNoise");

  public static final int DEFAULT_SAMPLE_EVERY = 10;
  public static final int MAX_SAMPLE_EVERY = 1_000_000;
  public static final Duration DEFAULT_DURATION = Duration.ofMinutes(10);
  public static final Duration MAX_DURATION = Duration.ofHours(24);
  private static final String WHAT = "the shadow request";

  public ShadowRequest {
    if (patch == null) {
      throw bad("a shadow needs the candidate patch", "send it as 'patch', as jlive patch does");
    }
    if (patch.dryRun()) {
      throw bad(
          "--dry-run does not go with --shadow: a shadow never installs the candidate anyway",
          "drop --dry-run");
    }
    if (sampleEvery < 1 || sampleEvery > MAX_SAMPLE_EVERY) {
      throw bad(
          "--sample must be 1/N with N from 1 to " + MAX_SAMPLE_EVERY + ", not 1/" + sampleEvery,
          "e.g. --sample 1/100 shadows one call in a hundred");
    }
    if (duration == null) {
      duration = DEFAULT_DURATION;
    }
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      throw bad(
          "--duration must be more than 0 and at most 24h, not " + duration, "e.g. --duration 10m");
    }
    if (expect != null && expect.isBlank()) {
      throw bad("--expect is empty", "give a boolean expression over the arguments");
    }
  }

  /**
   * Parses {@code --sample}: {@code 1/N}, or {@code N} alone.
   *
   * @throws JLiveException with what to write instead
   */
  public static int parseSample(String text) {
    String n = text.trim().startsWith("1/") ? text.trim().substring(2) : text.trim();
    try {
      return Integer.parseInt(n);
    } catch (NumberFormatException e) {
      throw bad(
          "--sample must look like 1/N, not '" + text + "'",
          "e.g. --sample 1/100 shadows one call in a hundred");
    }
  }

  public static ShadowRequest fromJson(Object json) {
    StrictObject body = StrictObject.of(json, WHAT, FIELDS).rejectUnknown();
    if (!body.has("patch")) {
      throw bad("a shadow needs the candidate patch", "send it as 'patch', as jlive patch does");
    }
    return new ShadowRequest(
        PatchRequest.fromJson(body.optionalObject("patch"), "the shadow's patch"),
        (int) body.optionalLong("sampleEvery", DEFAULT_SAMPLE_EVERY, 1, MAX_SAMPLE_EVERY),
        Duration.ofMillis(
            body.optionalLong(
                "durationMillis", DEFAULT_DURATION.toMillis(), 1, MAX_DURATION.toMillis())),
        body.optionalString("expect"),
        body.optionalBoolean("learnNoise", true));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("patch", patch)
        .put("sampleEvery", sampleEvery)
        .put("durationMillis", duration.toMillis())
        .put("expect", expect)
        .putIf(!learnNoise, "learnNoise", false)
        .toMap();
  }

  private static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, WHAT + ": " + message, hint);
  }
}

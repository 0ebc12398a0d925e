package dev.jlive.protocol.rollout;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a change reaches a service in steps: ordered waves, each a count ({@code 1}) or a share
 * ({@code 25%}) of the matching processes, the last one {@code 100%}; or, with {@code waveBy}, one
 * value of that label after another. Each wave bakes {@code bakeMillis} before its gates are
 * judged.
 *
 * @param waves the waves as written ({@code ["1", "25%", "100%"]}); empty with {@code waveBy}
 * @param waveBy a label: one wave per value of it, in sorted order, processes without it last
 * @param bakeMillis how long each wave runs before its gates are judged
 * @param gates the health gate expressions, judged by the controller's gates
 * @param minCalls calls a gate needs in the window before it may pass (fewer: waiting)
 * @param waveTimeoutMillis how long a wave's processes have to report the change applied before the
 *     wave fails; 0: the controller's default (time to compile, the change's safe-point wait and a
 *     few heartbeats)
 * @param shadowExpect for gates on {@code shadow.*} figures: where the shadow that precedes the
 *     waves expects differences (as {@code --expect}); null when none are expected
 * @param shadowSampleEvery for gates on {@code shadow.*} figures: that shadow runs on one call in
 *     this many
 */
public record RolloutPlan(
    List<String> waves,
    String waveBy,
    long bakeMillis,
    List<String> gates,
    long minCalls,
    long waveTimeoutMillis,
    String shadowExpect,
    int shadowSampleEvery)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "waves",
          "waveBy",
          "bakeMillis",
          "gates",
          "minCalls",
          "waveTimeoutMillis",
          "shadowExpect",
          "shadowSampleEvery");

  /** The shadow before the waves runs on every call unless told otherwise: the bake is short. */
  public static final int DEFAULT_SHADOW_SAMPLE_EVERY = 1;

  /** Bake when none is given: long enough for a minute's traffic to judge. */
  public static final long DEFAULT_BAKE_MILLIS = 60_000;

  /**
   * Calls a gate needs on each side before it may pass: the controller's {@code
   * HealthGates.DEFAULT_MIN_CALLS}, which the built-in gates' noise tests assume.
   */
  public static final long DEFAULT_MIN_CALLS = 200;

  /** More waves than this is a typo, not a plan. */
  public static final int MAX_WAVES = 20;

  private static final long MAX_BAKE_MILLIS = 7L * 24 * 3600 * 1000;

  /**
   * A wave's processes apply within minutes at most (the safe-point wait is at most 10 minutes).
   */
  private static final long MAX_WAVE_TIMEOUT_MILLIS = 24L * 3600 * 1000;

  private static final String WHAT = "the rollout plan";
  private static final String EXAMPLE =
      "e.g. --rollout 1,25%,100% (counts, then shares; the last 100%)";

  public RolloutPlan {
    waves = waves == null ? List.of() : List.copyOf(waves);
    gates = gates == null ? List.of() : List.copyOf(gates);
    if (waveBy != null && !FleetApi.isValidName(waveBy)) {
      throw bad("'" + shortened(waveBy) + "' is not a label name", "e.g. --wave-by zone");
    }
    if (waveBy != null && !waves.isEmpty()) {
      throw bad(
          "give waves (--rollout) or --wave-by, not both",
          "--wave-by zone rolls out one zone after another; --rollout 1,25%,100% by count and share");
    }
    if (waveBy == null && waves.isEmpty()) {
      throw bad("has no waves", EXAMPLE);
    }
    if (waves.size() > MAX_WAVES) {
      throw bad("has " + waves.size() + " waves; at most " + MAX_WAVES, EXAMPLE);
    }
    Wave previous = null;
    for (String text : waves) {
      Wave wave = Wave.parse(text);
      if (previous != null
          && previous.share() == wave.share()
          && wave.amount() <= previous.amount()) {
        throw bad("waves must grow: '" + text + "' comes after '" + previous.text() + "'", EXAMPLE);
      }
      if (previous != null && previous.share() && !wave.share()) {
        throw bad(
            "a count ('" + text + "') cannot follow a share ('" + previous.text() + "')",
            "counts first, then shares: " + EXAMPLE);
      }
      previous = wave;
    }
    if (previous != null && !(previous.share() && previous.amount() == 100)) {
      throw bad(
          "the last wave is '" + previous.text() + "', not 100%: the rollout would never complete",
          EXAMPLE);
    }
    if (bakeMillis < 0 || bakeMillis > MAX_BAKE_MILLIS) {
      throw bad("bake must be from 0 to 7 days, not " + bakeMillis + " ms", "e.g. --bake 5m");
    }
    if (waveTimeoutMillis < 0 || waveTimeoutMillis > MAX_WAVE_TIMEOUT_MILLIS) {
      throw bad(
          "the wave timeout must be from 0 (the default) to 24 hours, not "
              + waveTimeoutMillis
              + " ms",
          "e.g. --wave-timeout 2m");
    }
    if (minCalls < 0) {
      throw bad("minCalls must not be negative", "e.g. --min-calls 100");
    }
    if (shadowSampleEvery < 1) {
      throw bad(
          "shadowSampleEvery must be 1 or more, not " + shadowSampleEvery,
          "e.g. --sample 1/10 shadows one call in ten");
    }
    if (shadowExpect != null && shadowExpect.isBlank()) {
      throw bad("--expect is empty", "give a boolean expression over the arguments");
    }
    for (String gate : gates) {
      if (gate == null || gate.isBlank()) {
        throw bad("a gate is empty", "e.g. --gate 'errors <= 1.1 * control'");
      }
    }
  }

  /** A plan with the controller's default wave timeout, whose gates read no shadow. */
  public RolloutPlan(
      List<String> waves, String waveBy, long bakeMillis, List<String> gates, long minCalls) {
    this(waves, waveBy, bakeMillis, gates, minCalls, 0);
  }

  /** A plan whose gates read no shadow. */
  public RolloutPlan(
      List<String> waves,
      String waveBy,
      long bakeMillis,
      List<String> gates,
      long minCalls,
      long waveTimeoutMillis) {
    this(
        waves,
        waveBy,
        bakeMillis,
        gates,
        minCalls,
        waveTimeoutMillis,
        null,
        DEFAULT_SHADOW_SAMPLE_EVERY);
  }

  /** Reads the {@code --rollout} text: {@code 1,25%,100%}. */
  public static List<String> parseWaves(String text) {
    List<String> waves = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      waves.add(Wave.parse(part.strip()).text());
    }
    return waves;
  }

  /** Reads a user's plan: unknown fields and wrong types are refused. */
  public static RolloutPlan fromJson(Object json) {
    return read(StrictObject.of(json, WHAT, FIELDS).rejectUnknown());
  }

  /** Reads a stored plan or a controller's answer: unknown fields are ignored. */
  public static RolloutPlan fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS));
  }

  /** Reads a plan nested in another record, in that record's mode (strict or tolerant). */
  public static RolloutPlan read(StrictObject body) {
    return new RolloutPlan(
        body.optionalStrings("waves"),
        body.optionalString("waveBy"),
        body.optionalLong("bakeMillis", DEFAULT_BAKE_MILLIS, 0, MAX_BAKE_MILLIS),
        body.optionalStrings("gates"),
        body.optionalLong("minCalls", DEFAULT_MIN_CALLS, 0, Long.MAX_VALUE),
        body.optionalLong("waveTimeoutMillis", 0, 0, MAX_WAVE_TIMEOUT_MILLIS),
        body.optionalString("shadowExpect"),
        (int)
            body.optionalLong(
                "shadowSampleEvery", DEFAULT_SHADOW_SAMPLE_EVERY, 1, Integer.MAX_VALUE));
  }

  /**
   * How many processes the first {@code reached} waves hold together, of {@code total} matching: a
   * share rounds up, so 1% of 3 processes is one.
   */
  public int cumulative(int reached, int total) {
    if (reached <= 0) {
      return 0;
    }
    Wave wave = Wave.parse(waves.get(Math.min(reached, waves.size()) - 1));
    long count = wave.share() ? (wave.amount() * total + 99) / 100 : wave.amount();
    return (int) Math.min(total, count);
  }

  /**
   * Refuses a plan the service cannot meet: a wave asking for more processes than match.
   *
   * @param matching how many live processes the change matches
   */
  public void checkMet(int matching, String service) {
    for (String text : waves) {
      Wave wave = Wave.parse(text);
      if (!wave.share() && wave.amount() > matching) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            WHAT
                + " cannot be met: wave '"
                + text
                + "' asks for "
                + wave.amount()
                + " processes and "
                + service
                + " has "
                + matching
                + " live matching the change",
            "ask for fewer, or a share (e.g. --rollout 1,50%,100%); `jlive processes "
                + service
                + "` lists them");
      }
    }
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .putIf(!waves.isEmpty(), "waves", waves)
        .put("waveBy", waveBy)
        .put("bakeMillis", bakeMillis)
        .putIf(!gates.isEmpty(), "gates", gates)
        .put("minCalls", minCalls)
        .putIf(waveTimeoutMillis > 0, "waveTimeoutMillis", waveTimeoutMillis)
        .put("shadowExpect", shadowExpect)
        .putIf(
            shadowSampleEvery != DEFAULT_SHADOW_SAMPLE_EVERY,
            "shadowSampleEvery",
            shadowSampleEvery)
        .toMap();
  }

  /** One wave: a count of processes, or a share of them in percent. */
  record Wave(String text, long amount, boolean share) {
    static Wave parse(String text) {
      String written = text == null ? "" : text.strip();
      boolean share = written.endsWith("%");
      String number = share ? written.substring(0, written.length() - 1).strip() : written;
      long amount;
      try {
        amount = Long.parseLong(number);
      } catch (NumberFormatException e) {
        throw bad("'" + shortened(written) + "' is not a wave: a count or a share", EXAMPLE);
      }
      if (amount < 1 || (share && amount > 100)) {
        throw bad(
            "'" + shortened(written) + "' is not a wave: a count is at least 1, a share 1% to 100%",
            EXAMPLE);
      }
      return new Wave(amount + (share ? "%" : ""), amount, share);
    }
  }

  private static JLiveException bad(String problem, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, WHAT + ": " + problem, hint);
  }

  private static String shortened(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}

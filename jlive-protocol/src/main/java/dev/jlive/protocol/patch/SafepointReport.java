package dev.jlive.protocol.patch;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.StrictObject;
import java.util.Set;

/**
 * How a swap went, written flat into the answer that carries it ({@link PatchResult}, {@link
 * RevertResult}): {@code "safepoint"}, and for a quiescent one {@code "attempts"} (gate closings
 * until the set was quiescent) and {@code "gateClosedMaxMillis"} (the longest that callers were
 * held). A safe point that never came is an error answer (CONFLICT) naming what blocked it.
 */
public record SafepointReport(SafepointMode mode, int attempts, double gateClosedMaxMillis) {
  /** The fields this part adds to its answer. */
  public static final Set<String> FIELDS = Set.of("safepoint", "attempts", "gateClosedMaxMillis");

  public static final SafepointReport IMMEDIATE =
      new SafepointReport(SafepointMode.IMMEDIATE, 0, 0);

  public SafepointReport {
    if ((mode == SafepointMode.QUIESCENT) != (attempts > 0)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a "
              + JsonObject.wireName(mode)
              + " safe point with 'attempts' "
              + attempts
              + ": a quiescent one takes at least 1 attempt, an immediate one none",
          "send the attempts the swap took");
    }
  }

  public static SafepointReport quiescent(int attempts, double gateClosedMaxMillis) {
    return new SafepointReport(SafepointMode.QUIESCENT, attempts, gateClosedMaxMillis);
  }

  static SafepointReport read(StrictObject body) {
    return new SafepointReport(
        body.requireEnum("safepoint", SafepointMode.class),
        (int) body.optionalLong("attempts", 0, 0, Integer.MAX_VALUE),
        body.optionalDouble("gateClosedMaxMillis", 0, 0, Double.MAX_VALUE));
  }

  void writeTo(JsonObject json) {
    json.put("safepoint", mode);
    if (mode == SafepointMode.QUIESCENT) {
      json.put("attempts", attempts).put("gateClosedMaxMillis", gateClosedMaxMillis);
    }
  }
}

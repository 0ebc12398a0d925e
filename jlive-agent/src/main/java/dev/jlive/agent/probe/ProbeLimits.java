package dev.jlive.agent.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;

/**
 * How many probes one JVM and one method may hold. Every probe costs the methods it is woven into
 * and makes the next retransformation of them slower (258 on one method took 584 ms for the last
 * add), so a client, careless or hostile, is stopped with a clear error well before that.
 *
 * @param perJvm probes in the whole JVM (agent option {@code maxProbes})
 * @param perMethod probes woven into one method (agent option {@code maxProbesPerMethod})
 */
public record ProbeLimits(int perJvm, int perMethod) {
  public static final ProbeLimits DEFAULT = new ProbeLimits(64, 8);

  public ProbeLimits {
    if (perJvm < 1 || perMethod < 1) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "probe limits must be at least 1, not maxProbes="
              + perJvm
              + ", maxProbesPerMethod="
              + perMethod,
          "give agent options maxProbes and maxProbesPerMethod as whole numbers from 1");
    }
  }

  /** Reads the agent options, each a whole number or absent for the default. */
  public static ProbeLimits parse(String perJvm, String perMethod) {
    return new ProbeLimits(
        number("maxProbes", perJvm, DEFAULT.perJvm),
        number("maxProbesPerMethod", perMethod, DEFAULT.perMethod));
  }

  private static int number(String key, String text, int fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "agent option " + key + "=" + text + " is not a whole number",
          "e.g. " + key + "=" + fallback);
    }
  }
}

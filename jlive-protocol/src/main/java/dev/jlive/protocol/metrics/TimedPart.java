package dev.jlive.protocol.metrics;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * One part of a traced or line-profiled method and the time spent in it: a call the method makes
 * ({@code --trace}) or one of its source lines ({@code --profile-lines}), merged over the calls
 * that were timed.
 *
 * @param name the callee as {@code Class#method} for a trace, {@code line N} for a line profile
 * @param line the source line of the call or the line itself; 0 when the class has no line numbers
 * @param calls how many times the part ran, estimated from the sampled calls (exact unsampled)
 * @param nanos the time spent in it, estimated the same way
 * @param level 0 for the method's own calls and lines; 1 for a call its callee makes, under that
 *     callee's part, and so on ({@code --trace-depth}); a part's subtree follows it in the list
 */
public record TimedPart(String name, int line, long calls, long nanos, int level)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("name", "line", "calls", "nanos", "level");

  static TimedPart read(StrictObject body) {
    return new TimedPart(
        body.requireString("name", "\"Store#price\""),
        (int) body.requireLong("line", 0, Integer.MAX_VALUE),
        body.requireLong("calls", 0, Long.MAX_VALUE),
        body.requireLong("nanos", 0, Long.MAX_VALUE),
        (int) body.optionalLong("level", 0, 0, Integer.MAX_VALUE));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("name", name)
        .put("line", line)
        .put("calls", calls)
        .put("nanos", nanos)
        .putIf(level > 0, "level", level)
        .toMap();
  }
}

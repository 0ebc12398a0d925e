package dev.jlive.protocol.metrics;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;

/**
 * One call path into a {@code --callers} probe's method and how many calls came along it.
 *
 * @param path the frames, caller first, joined by {@code " <- "}; {@code "(other paths)"} once a
 *     probe has seen too many distinct paths
 */
public record CallerPath(String path, long calls) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("path", "calls");

  /** The busiest path first; paths of as many calls by their text, so the order is stable. */
  public static final Comparator<CallerPath> BUSIEST_FIRST =
      Comparator.comparingLong(CallerPath::calls).reversed().thenComparing(CallerPath::path);

  static CallerPath read(StrictObject body) {
    return new CallerPath(
        body.requireString("path", "\"Shop.checkout <- Api.handle\""),
        body.requireLong("calls", 0, Long.MAX_VALUE));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("path", path).put("calls", calls).toMap();
  }
}

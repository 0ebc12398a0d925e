package dev.jlive.protocol;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * An instant on the wire: ISO-8601 text as {@link Instant#toString()} writes it ({@code
 * 2026-12-01T17:45:03.123Z}).
 */
public final class WireInstant {
  private WireInstant() {}

  /** The instant in field {@code name} of {@code body}, which must be there. */
  public static Instant require(StrictObject body, String name) {
    String text = body.requireString(name, "\"2026-01-31T12:00:00Z\"");
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          body.what()
              + ": '"
              + name
              + "' must be an ISO-8601 instant, not "
              + StrictObject.describe(text),
          "send e.g. {\"" + name + "\": \"2026-01-31T12:00:00Z\"}");
    }
  }
}

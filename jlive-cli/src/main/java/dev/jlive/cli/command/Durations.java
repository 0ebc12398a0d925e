package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people type them: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}.
 */
final class Durations {
  private Durations() {}

  static Duration parse(String option, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      switch (value.charAt(value.length() - 1)) {
        case 's':
          return Duration.ofSeconds(amount);
        case 'm':
          return Duration.ofMinutes(amount);
        case 'h':
          return Duration.ofHours(amount);
        case 'd':
          return Duration.ofDays(amount);
        default:
          break;
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      // reported below
    }
    throw new CliException(
        ExitCode.USAGE,
        "USAGE",
        option + " " + text + " is not a duration",
        "write e.g. 500ms, 30s, 10m, 2h or 1d");
  }

  /** A duration for people: {@code 500ms} below a second, else whole seconds ({@code 30s}). */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis < 1_000 ? millis + "ms" : Math.round(millis / 1_000.0) + "s";
  }
}

package dev.jlive.agent.shadow;

import java.util.Arrays;

/**
 * What one run of a method ended with: the value it returned (null for void) or what it threw.
 *
 * @param nanos how long the run took
 */
record Outcome(Object value, Throwable thrown, long nanos) {
  private static final int MAX_TEXT = 300;

  boolean threw() {
    return thrown != null;
  }

  /** For a report: the value, or {@code throws Type: message}, cut to a readable length. */
  String describe() {
    return thrown != null
        ? "throws " + thrown.getClass().getName() + ": " + thrown.getMessage()
        : text(value);
  }

  /**
   * A value as text for a report. Its {@code toString()} is application code: whatever it throws is
   * caught and named instead.
   */
  static String text(Object value) {
    String text;
    try {
      text = value instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(value);
    } catch (Throwable t) {
      text = "(toString() threw " + t.getClass().getName() + ")";
    }
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
  }
}

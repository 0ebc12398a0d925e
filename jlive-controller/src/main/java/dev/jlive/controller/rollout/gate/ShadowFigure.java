package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.shadow.ShadowReport;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A figure a gate can read from the shadow that runs the patch beside the old code before the first
 * wave ({@code shadow.unexpected == 0}): counts of the report merged over the processes.
 */
enum ShadowFigure {
  /** Calls whose candidate ran and was compared. */
  COMPARED,
  EQUAL,
  /** Differences where {@code --expect} said they belong. */
  EXPECTED,
  UNEXPECTED,
  /** Exceptions the candidate threw (the callers never saw them). */
  EXCEPTIONS;

  String wireName() {
    return "shadow." + name().toLowerCase(Locale.ROOT);
  }

  static String names() {
    return Arrays.stream(values()).map(ShadowFigure::wireName).collect(Collectors.joining(", "));
  }

  /** Its figure of {@code shadow.NAME}; null for another name. */
  static ShadowFigure named(String written) {
    for (ShadowFigure figure : values()) {
      if (figure.wireName().equals(written)) {
        return figure;
      }
    }
    return null;
  }

  long of(ShadowReport report) {
    return switch (this) {
      case COMPARED -> report.compared();
      case EQUAL -> report.equal();
      case EXPECTED -> report.expectedDifferences();
      case UNEXPECTED -> report.unexpectedDifferences();
      case EXCEPTIONS -> report.candidateExceptions();
    };
  }
}

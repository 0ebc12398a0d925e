package dev.jlive.agent.compile;

import java.util.Objects;

/**
 * One thing the compiler said about the sources.
 *
 * @param className the {@link SourceFile#className()} of the unit it is in, or {@code null} when it
 *     is about no unit (an option, or a class file read through the loader)
 * @param line 1-based line, or {@code -1} when there is none
 * @param column 1-based column, or {@code -1} when there is none
 * @param message javac's message, in English, possibly several lines
 */
public record Problem(Severity severity, String className, long line, long column, String message) {
  public enum Severity {
    ERROR,
    WARNING
  }

  public Problem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  /** The way javac prints it: {@code com/acme/Cart.java:12:5: error: cannot find symbol ...}. */
  public String format() {
    StringBuilder text = new StringBuilder();
    if (className != null) {
      text.append(className.replace('.', '/')).append(".java:");
      if (line > 0) {
        text.append(line).append(':');
        if (column > 0) {
          text.append(column).append(':');
        }
      }
      text.append(' ');
    }
    return text.append(severity == Severity.ERROR ? "error" : "warning")
        .append(": ")
        .append(message)
        .toString();
  }
}

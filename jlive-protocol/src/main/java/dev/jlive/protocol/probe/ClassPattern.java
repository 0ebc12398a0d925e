package dev.jlive.protocol.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;

/**
 * A class name pattern in the notation engineers know from AspectJ: {@code *} matches within one
 * name segment ({@code com.acme.*} is every class directly in {@code com.acme}), {@code ..} matches
 * any number of package segments ({@code com.acme..*} includes sub-packages). A name without
 * wildcards matches exactly that class. Nested classes ({@code Outer$Inner}) are one segment.
 *
 * <p>Patterns come from users and are matched against every loaded class, and against each class as
 * it loads: they are capped in size and matched by {@link Glob}, in time linear in the name.
 */
public final class ClassPattern {
  /**
   * Longer patterns are refused: no class name needs one, and matching costs pattern length times
   * name length.
   */
  public static final int MAX_LENGTH = 512;

  /** More wildcards are refused: a real pattern has a few, a hostile one hundreds. */
  public static final int MAX_WILDCARDS = 16;

  private final String text;
  private final Glob glob;
  private final boolean exact;

  private ClassPattern(String text, Glob glob, boolean exact) {
    this.text = text;
    this.glob = glob;
    this.exact = exact;
  }

  public static ClassPattern parse(String text) {
    String pattern = text == null ? "" : text.trim();
    checkSize(pattern, "class name pattern");
    if (pattern.isEmpty()
        || !pattern.matches("[\\w$.*]+")
        || pattern.contains("...")
        || pattern.endsWith(".")
        || (pattern.startsWith(".") && !pattern.startsWith(".."))) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "'" + text + "' is not a class name pattern",
          "use a class name (com.acme.Cart), * within a name (com.acme.*Service) or .. for sub-packages (com.acme..*)");
    }
    boolean exact = !pattern.contains("*") && !pattern.contains("..");
    return new ClassPattern(pattern, Glob.classPattern(pattern), exact);
  }

  /**
   * Refuses a pattern (or a whole selector) over {@link #MAX_LENGTH} characters or {@link
   * #MAX_WILDCARDS} wildcards.
   */
  public static void checkSize(String pattern, String what) {
    if (pattern.length() > MAX_LENGTH) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the "
              + what
              + " has "
              + pattern.length()
              + " characters; at most "
              + MAX_LENGTH
              + " are allowed",
          "name the classes more briefly, e.g. com.acme..*Service");
    }
    int wildcards = wildcards(pattern);
    if (wildcards > MAX_WILDCARDS) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the "
              + what
              + " has "
              + wildcards
              + " wildcards (* and ..); at most "
              + MAX_WILDCARDS
              + " are allowed",
          "use fewer wildcards, e.g. com.acme..*Service#handle*");
    }
  }

  private static int wildcards(String pattern) {
    int count = 0;
    for (int i = 0; i < pattern.length(); i++) {
      if (pattern.charAt(i) == '*') {
        count++;
      } else if (pattern.startsWith("..", i)) {
        count++;
        i++;
      }
    }
    return count;
  }

  public boolean matches(String className) {
    return exact ? text.equals(className) : glob.matches(className);
  }

  public boolean isExact() {
    return exact;
  }

  @Override
  public String toString() {
    return text;
  }
}

package dev.jlive.agent.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.regex.Pattern;

/**
 * A class name pattern in the notation engineers know from AspectJ: {@code *} matches within one
 * name segment ({@code com.acme.*} is every class directly in {@code com.acme}), {@code ..}
 * matches any number of package segments ({@code com.acme..*} includes sub-packages). A name
 * without wildcards matches exactly that class. Nested classes ({@code Outer$Inner}) are one
 * segment.
 */
public final class ClassPattern {
  private final String text;
  private final Pattern regex;
  private final boolean exact;

  private ClassPattern(String text, Pattern regex, boolean exact) {
    this.text = text;
    this.regex = regex;
    this.exact = exact;
  }

  public static ClassPattern parse(String text) {
    String pattern = text == null ? "" : text.trim();
    if (pattern.isEmpty() || !pattern.matches("[\\w$.*]+") || pattern.contains("...") || pattern.endsWith(".")
        || (pattern.startsWith(".") && !pattern.startsWith(".."))) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "'" + text + "' is not a class name pattern",
          "use a class name (com.acme.Cart), * within a name (com.acme.*Service) or .. for sub-packages (com.acme..*)");
    }
    boolean exact = !pattern.contains("*") && !pattern.contains("..");
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (pattern.startsWith("..", i)) {
        regex.append(i == 0 ? "(?:.*\\.)?" : "\\.(?:.*\\.)?");
        i++;
      } else if (c == '*') {
        regex.append("[^.]*");
      } else if (c == '.') {
        regex.append("\\.");
      } else if (c == '$') {
        regex.append("\\$");
      } else {
        regex.append(c);
      }
    }
    return new ClassPattern(pattern, Pattern.compile(regex.toString()), exact);
  }

  public boolean matches(String className) {
    return exact ? text.equals(className) : regex.matcher(className).matches();
  }

  public boolean isExact() {
    return exact;
  }

  @Override
  public String toString() {
    return text;
  }
}

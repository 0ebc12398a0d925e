package dev.jlive.protocol;

/**
 * Text that came from a client, made safe to print: control characters (a line feed that forges a
 * log line, an ANSI escape that rewrites a terminal) are written as visible escapes.
 */
public final class Printable {
  private Printable() {}

  /**
   * The text with every control character as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code
   * uXXXX}.
   */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029';
      if (control && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out == null) {
        continue;
      }
      if (!control) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }
}

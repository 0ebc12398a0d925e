package dev.jlive.demo.http;

import java.util.List;

/**
 * Writes JSON by hand; the demo has no dependencies. An object is built field by field:
 *
 * <pre>{@code new Json().field("id", "c1").field("total", 1999).toString()}</pre>
 */
final class Json {

  private final StringBuilder out = new StringBuilder("{");
  private boolean first = true;

  Json field(String name, String value) {
    return raw(name, quote(value));
  }

  Json field(String name, long value) {
    return raw(name, Long.toString(value));
  }

  /** Adds a field whose value is already JSON, e.g. a nested object or an array. */
  Json raw(String name, String json) {
    if (!first) {
      out.append(',');
    }
    first = false;
    out.append(quote(name)).append(':').append(json);
    return this;
  }

  @Override
  public String toString() {
    return out + "}";
  }

  static String array(List<String> elements) {
    return "[" + String.join(",", elements) + "]";
  }

  /** A JSON string literal, escaping what RFC 8259 requires. */
  static String quote(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}

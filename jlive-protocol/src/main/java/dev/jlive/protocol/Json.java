package dev.jlive.protocol;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small, strict JSON codec over plain Java values, so that the agent needs no JSON library inside
 * the target JVM (where a library of the application's could clash with ours).
 *
 * <p>Objects are {@code Map<String, Object>} (insertion ordered), arrays {@code List<Object>},
 * numbers {@code Long} when integral and {@code Double} otherwise, then {@code String}, {@code
 * Boolean} and {@code null}. Writing also accepts any {@code Number}, {@code Map}, {@code
 * Iterable}, arrays of objects and enums (written by name).
 */
public final class Json {
  private Json() {}

  /** Parses one JSON value; anything after it but whitespace is an error. */
  public static Object parse(String text) {
    Parser parser = new Parser(text);
    parser.skipWhitespace();
    Object value = parser.value();
    parser.skipWhitespace();
    if (parser.pos != text.length()) {
      throw parser.error("unexpected text after the JSON value");
    }
    return value;
  }

  /** Parses a JSON object, failing with a clear message when the text is some other value. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object but got " + describe(value));
    }
    return (Map<String, Object>) value;
  }

  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, -1, 0);
    return out.toString();
  }

  /** Writes with two-space indentation, for humans reading {@code --json} output. */
  public static String writePretty(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 2, 0);
    return out.toString();
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof List) {
      return "an array";
    }
    return "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  private static void write(Object value, StringBuilder out, int indent, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(s, out);
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Double d) {
      out.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
    } else if (value instanceof Float f) {
      out.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
    } else if (value instanceof Number) {
      out.append(value);
    } else if (value instanceof Enum<?> e) {
      quote(e.name(), out);
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, out, indent, depth);
    } else if (value instanceof Iterable<?> items) {
      writeArray(items.iterator(), out, indent, depth);
    } else if (value instanceof Object[] items) {
      writeArray(List.of(items).iterator(), out, indent, depth);
    } else {
      quote(value.toString(), out);
    }
  }

  private static void writeObject(Map<?, ?> map, StringBuilder out, int indent, int depth) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      newline(out, indent, depth + 1);
      quote(String.valueOf(entry.getKey()), out);
      out.append(indent < 0 ? ":" : ": ");
      write(entry.getValue(), out, indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append('}');
  }

  private static void writeArray(Iterator<?> items, StringBuilder out, int indent, int depth) {
    if (!items.hasNext()) {
      out.append("[]");
      return;
    }
    out.append('[');
    boolean first = true;
    while (items.hasNext()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      newline(out, indent, depth + 1);
      write(items.next(), out, indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append(']');
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static final class Parser {
    /** Deeper nesting is refused rather than risking a stack overflow on hostile input. */
    private static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;
    private int depth;

    Parser(String text) {
      this.text = text;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
    }

    void skipWhitespace() {
      while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
    }

    Object value() {
      if (pos >= text.length()) {
        throw error("unexpected end of input");
      }
      char c = text.charAt(pos);
      return switch (c) {
        case '{', '[' -> nested(c);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected character '" + c + "'");
        }
      };
    }

    private Object nested(char open) {
      if (++depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH + " levels");
      }
      Object value = open == '{' ? object() : array();
      depth--;
      return value;
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, pos)) {
        throw error("expected " + word);
      }
      pos += word.length();
      return value;
    }

    private Map<String, Object> object() {
      Map<String, Object> map = new LinkedHashMap<>(); // a parsed object keeps its fields' order
      pos++;
      skipWhitespace();
      if (peek('}')) {
        pos++;
        return map;
      }
      while (true) {
        skipWhitespace();
        if (!peek('"')) {
          throw error("expected a string key");
        }
        String key = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        map.put(key, value());
        skipWhitespace();
        if (peek(',')) {
          pos++;
        } else {
          expect('}');
          return map;
        }
      }
    }

    private List<Object> array() {
      List<Object> list = new ArrayList<>();
      pos++;
      skipWhitespace();
      if (peek(']')) {
        pos++;
        return list;
      }
      while (true) {
        skipWhitespace();
        list.add(value());
        skipWhitespace();
        if (peek(',')) {
          pos++;
        } else {
          expect(']');
          return list;
        }
      }
    }

    private String string() {
      pos++;
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          if (pos >= text.length()) {
            throw error("unterminated escape");
          }
          char e = text.charAt(pos++);
          switch (e) {
            case '"', '\\', '/' -> out.append(e);
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u' -> {
              if (pos + 4 > text.length()) {
                throw error("short unicode escape");
              }
              int code = 0;
              for (int i = 0; i < 4; i++) {
                int digit = Character.digit(text.charAt(pos + i), 16);
                if (digit < 0) {
                  throw error("bad unicode escape");
                }
                code = code * 16 + digit;
              }
              out.append((char) code);
              pos += 4;
            }
            default -> throw error("bad escape '\\" + e + "'");
          }
        } else if (c < 0x20) {
          pos--;
          throw error("control character in string");
        } else {
          out.append(c);
        }
      }
    }

    /** JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    private Object number() {
      int start = pos;
      if (peek('-')) {
        pos++;
      }
      if (peek('0')) {
        pos++;
      } else if (!digits()) {
        throw numberError(start);
      }
      boolean integral = true;
      if (peek('.')) {
        integral = false;
        pos++;
        if (!digits()) {
          throw numberError(start);
        }
      }
      if (peek('e') || peek('E')) {
        integral = false;
        pos++;
        if (peek('+') || peek('-')) {
          pos++;
        }
        if (!digits()) {
          throw numberError(start);
        }
      }
      if (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        throw numberError(start);
      }
      String number = text.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(number);
        } catch (NumberFormatException tooLarge) {
          // Refused rather than silently rounded to a double.
          throw numberError(start);
        }
      }
      return Double.parseDouble(number);
    }

    private boolean digits() {
      int from = pos;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
      }
      return pos > from;
    }

    private IllegalArgumentException numberError(int start) {
      int end = pos;
      while (end < text.length() && "0123456789+-.eE".indexOf(text.charAt(end)) >= 0) {
        end++;
      }
      String bad = text.substring(start, end);
      pos = start;
      return error("bad number '" + bad + "'");
    }

    private boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }
  }
}

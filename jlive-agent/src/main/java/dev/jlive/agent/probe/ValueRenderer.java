package dev.jlive.agent.probe;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns application values into bounded text or JSON-ready trees: strings cut, collections, arrays
 * and field lists cut, object graphs cut at a depth, cycles broken, and the whole of one rendering
 * held to {@link #MAX_RENDERED_CHARS}. Whatever is cut is marked with how much was left out ({@code
 * …(+N chars)}), so a reader never takes a cut value for the whole. The bounds hold at capture: an
 * event never holds more of a value than this, however large the value is. Application {@code
 * toString()} methods are called only for JDK value types: arbitrary ones may be slow, lock, or
 * throw.
 */
public final class ValueRenderer {
  static final int MAX_STRING = 200;
  static final int MAX_ELEMENTS = 10;
  static final int MAX_FIELDS = 32;
  static final int MAX_DEPTH = 2;

  /** The characters of strings one rendering may hold: past it, values render as a marker. */
  static final int MAX_RENDERED_CHARS = 4_096;

  /** Causes of a Throwable shown after it. */
  static final int MAX_CAUSES = 3;

  static final String ELLIPSIS = "\u2026";

  private ValueRenderer() {}

  /**
   * One rendering: the objects on the current path (to break cycles) and what is left of the
   * budget.
   */
  private static final class Rendering {
    final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    final int bound;
    int charsLeft;

    Rendering() {
      this(MAX_RENDERED_CHARS);
    }

    Rendering(int bound) {
      this.bound = bound;
      this.charsLeft = bound;
    }

    /**
     * Cuts text to the string bound and to what is left of the budget, and charges for it. Only the
     * kept part is copied: a 1 MB StringBuilder costs 200 chars, not a 1 MB string.
     */
    String take(CharSequence text) {
      return take(text, MAX_STRING);
    }

    String take(CharSequence text, int max) {
      int length = text.length();
      int keep = Math.max(0, Math.min(length, Math.min(max, charsLeft)));
      charsLeft -= keep;
      String kept = text.subSequence(0, keep).toString();
      return keep == length ? kept : kept + ELLIPSIS + "(+" + (length - keep) + " chars)";
    }

    boolean spent() {
      return charsLeft <= 0;
    }
  }

  /** Short text for a log line. */
  public static String text(Object value) {
    Object tree = tree(value, 1, new Rendering());
    return tree instanceof String s && !(value instanceof CharSequence) ? s : flatten(tree);
  }

  /** A tree of maps, lists, strings, numbers and booleans, for snapshots. */
  static Object tree(Object value) {
    return tree(value, MAX_DEPTH, new Rendering());
  }

  /**
   * The renderings of one capture: every value in it follows references to the capture's depth and
   * draws on one budget of characters, so that a capture's size has one bound however many values
   * it holds.
   */
  static final class Capture {
    private final int depth;
    private final Rendering rendering;

    Capture(int depth, int maxChars) {
      this.depth = depth;
      this.rendering = new Rendering(maxChars);
    }

    Object tree(Object value) {
      return ValueRenderer.tree(value, depth, rendering);
    }

    Map<String, Object> fields(Object value) {
      if (value == null) {
        return null;
      }
      if (depth <= 0 || rendering.spent()) {
        // The receiver's type is worth its few characters even when nothing else fits.
        Map<String, Object> type = new LinkedHashMap<>();
        type.put("@type", value.getClass().getName());
        type.put(ELLIPSIS, rendering.spent() ? "output bound reached" : "depth 0");
        return type;
      }
      return ValueRenderer.fields(value, depth, rendering);
    }

    /** A line of text (a stack frame) charged to the budget; null once the budget is spent. */
    String line(String text) {
      return rendering.spent() ? null : rendering.take(text, Integer.MAX_VALUE);
    }
  }

  /** {@code text} cut to {@code max} characters, marked with how many were left out. */
  static String cut(String text, int max) {
    return text.length() <= max
        ? text
        : text.substring(0, max) + ELLIPSIS + "(+" + (text.length() - max) + " chars)";
  }

  /**
   * A Throwable as {@code Type: message}, then its causes ({@code caused by ...}), at most {@link
   * #MAX_CAUSES}: what a reader wants, where its fields would show the stack trace's arrays.
   */
  static String throwable(Throwable thrown) {
    StringBuilder text = new StringBuilder(describe(thrown));
    IdentityHashMap<Throwable, Boolean> seen = new IdentityHashMap<>();
    seen.put(thrown, Boolean.TRUE);
    Throwable cause = thrown.getCause();
    for (int shown = 0;
        cause != null && seen.put(cause, Boolean.TRUE) == null;
        shown++, cause = cause.getCause()) {
      if (shown == MAX_CAUSES) {
        text.append("; caused by ").append(ELLIPSIS);
        break;
      }
      text.append("; caused by ").append(describe(cause));
    }
    return text.toString();
  }

  private static String describe(Throwable thrown) {
    String message;
    try {
      message = thrown.getMessage();
    } catch (RuntimeException failed) {
      // An application's getMessage() may fail; the type still says a lot.
      message = "<getMessage() threw " + failed.getClass().getName() + ">";
    }
    return thrown.getClass().getName() + (message == null ? "" : ": " + cut(message, MAX_STRING));
  }

  private static Object tree(Object value, int depth, Rendering rendering) {
    if (value == null
        || value instanceof Boolean
        || isBoxedNumber(value)
        || value instanceof Character) {
      return value instanceof Character ? value.toString() : value;
    }
    if (rendering.spent()) {
      return ELLIPSIS + "(output bound of " + rendering.bound + " chars reached)";
    }
    if (value instanceof CharSequence text) {
      return rendering.take(text);
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    if (value instanceof Throwable thrown) {
      // Bounded by throwable() itself: each message is cut, and the causes are counted.
      return rendering.take(throwable(thrown), Integer.MAX_VALUE);
    }
    Class<?> type = value.getClass();
    if (isJdkValue(type)) {
      return rendering.take(String.valueOf(value));
    }
    if (rendering.seen.containsKey(value)) {
      return "<cycle " + type.getSimpleName() + ">";
    }
    if (depth <= 0) {
      return "<" + type.getName() + ">";
    }
    rendering.seen.put(value, Boolean.TRUE);
    try {
      if (type.isArray()) {
        List<Object> items = new ArrayList<>();
        int length = Array.getLength(value);
        for (int i = 0; i < Math.min(length, MAX_ELEMENTS); i++) {
          items.add(tree(Array.get(value, i), depth - 1, rendering));
        }
        if (length > MAX_ELEMENTS) {
          items.add(ELLIPSIS + "(+" + (length - MAX_ELEMENTS) + " elements)");
        }
        return items;
      }
      if (value instanceof Collection<?> collection && type.getName().startsWith("java.")) {
        List<Object> items = new ArrayList<>();
        int count = 0;
        for (Object item : collection) {
          if (count++ == MAX_ELEMENTS) {
            items.add(ELLIPSIS + "(+" + (collection.size() - MAX_ELEMENTS) + " elements)");
            break;
          }
          items.add(tree(item, depth - 1, rendering));
        }
        return items;
      }
      if (value instanceof Map<?, ?> map && type.getName().startsWith("java.")) {
        // The application's map as it iterates (a LinkedHashMap or TreeMap keeps its order), null
        // values included.
        Map<String, Object> entries = new LinkedHashMap<>();
        int count = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (count++ == MAX_ELEMENTS) {
            entries.put(ELLIPSIS, "+" + (map.size() - MAX_ELEMENTS) + " entries");
            break;
          }
          entries.put(
              String.valueOf(tree(entry.getKey(), 1, rendering)),
              tree(entry.getValue(), depth - 1, rendering));
        }
        return entries;
      }
      return fields(value, depth, rendering);
    } finally {
      rendering.seen.remove(value);
    }
  }

  /**
   * The instance fields of an object, its class's and its superclasses', as far as access allows.
   */
  private static Map<String, Object> fields(Object value, int depth, Rendering rendering) {
    // In declaration order, @type first, null fields included: how a reader finds a field in a
    // snapshot.
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("@type", value.getClass().getName());
    int left = 0;
    for (Class<?> type = value.getClass();
        type != null && type != Object.class;
        type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || fields.containsKey(field.getName())) {
          continue;
        }
        if (fields.size() > MAX_FIELDS) {
          left++;
          continue;
        }
        if (!field.trySetAccessible()) {
          fields.put(field.getName(), "<not accessible>");
          continue;
        }
        try {
          fields.put(field.getName(), tree(field.get(value), depth - 1, rendering));
        } catch (IllegalAccessException e) {
          fields.put(field.getName(), "<not accessible>");
        }
      }
    }
    if (left > 0) {
      fields.put(ELLIPSIS, "+" + left + " fields");
    }
    return fields;
  }

  static Map<String, Object> fields(Object value) {
    return value == null ? null : fields(value, MAX_DEPTH, new Rendering());
  }

  /**
   * A BigInteger or BigDecimal can be a megabyte of digits: those are cut as text, like strings.
   */
  private static boolean isBoxedNumber(Object value) {
    return value instanceof Integer
        || value instanceof Long
        || value instanceof Double
        || value instanceof Float
        || value instanceof Short
        || value instanceof Byte;
  }

  private static boolean isJdkValue(Class<?> type) {
    String name = type.getName();
    return name.startsWith("java.time.")
        || name.equals("java.util.UUID")
        || name.startsWith("java.math.")
        || name.equals("java.net.URI")
        || name.equals("java.net.URL")
        || name.startsWith("java.nio.file.")
        || name.equals("java.util.Optional")
        || name.equals("java.util.Locale");
  }

  private static String flatten(Object tree) {
    if (tree instanceof String s) {
      return "\"" + s + "\"";
    }
    if (tree instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      list.forEach(item -> parts.add(flatten(item)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (tree instanceof Map<?, ?> map) {
      List<String> parts = new ArrayList<>();
      Object type = map.get("@type");
      map.forEach(
          (key, item) -> {
            if (!"@type".equals(key)) {
              parts.add(key + "=" + flatten(item));
            }
          });
      String simple =
          type == null ? "" : type.toString().substring(type.toString().lastIndexOf('.') + 1);
      return simple + "{" + String.join(", ", parts) + "}";
    }
    return String.valueOf(tree);
  }
}

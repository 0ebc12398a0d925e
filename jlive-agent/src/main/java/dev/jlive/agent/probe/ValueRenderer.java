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
 * Turns application values into bounded text or JSON-ready trees: strings cut, collections and
 * arrays cut, object graphs cut at a depth, cycles broken. Application {@code toString()} methods
 * are called only for JDK value types: arbitrary ones may be slow, lock, or throw.
 */
final class ValueRenderer {
  static final int MAX_STRING = 200;
  static final int MAX_ELEMENTS = 10;
  static final int MAX_DEPTH = 2;

  private ValueRenderer() {}

  /** Short text for a log line. */
  static String text(Object value) {
    Object tree = tree(value, 1, new IdentityHashMap<>());
    return tree instanceof String s && !(value instanceof CharSequence) ? s : flatten(tree);
  }

  /** A tree of maps, lists, strings, numbers and booleans, for snapshots. */
  static Object tree(Object value) {
    return tree(value, MAX_DEPTH, new IdentityHashMap<>());
  }

  private static Object tree(Object value, int depth, IdentityHashMap<Object, Boolean> seen) {
    if (value == null || value instanceof Boolean || value instanceof Number || value instanceof Character) {
      return value instanceof Character ? value.toString() : value;
    }
    if (value instanceof CharSequence text) {
      return cut(text.toString());
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    Class<?> type = value.getClass();
    if (isJdkValue(type)) {
      return cut(String.valueOf(value));
    }
    if (seen.containsKey(value)) {
      return "<cycle " + type.getSimpleName() + ">";
    }
    if (depth <= 0) {
      return "<" + type.getName() + ">";
    }
    seen.put(value, Boolean.TRUE);
    try {
      if (type.isArray()) {
        List<Object> items = new ArrayList<>();
        int length = Array.getLength(value);
        for (int i = 0; i < Math.min(length, MAX_ELEMENTS); i++) {
          items.add(tree(Array.get(value, i), depth - 1, seen));
        }
        if (length > MAX_ELEMENTS) {
          items.add("... " + (length - MAX_ELEMENTS) + " more");
        }
        return items;
      }
      if (value instanceof Collection<?> collection && type.getName().startsWith("java.")) {
        List<Object> items = new ArrayList<>();
        int count = 0;
        for (Object item : collection) {
          if (count++ == MAX_ELEMENTS) {
            items.add("... " + (collection.size() - MAX_ELEMENTS) + " more");
            break;
          }
          items.add(tree(item, depth - 1, seen));
        }
        return items;
      }
      if (value instanceof Map<?, ?> map && type.getName().startsWith("java.")) {
        Map<String, Object> entries = new LinkedHashMap<>();
        int count = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (count++ == MAX_ELEMENTS) {
            entries.put("...", (map.size() - MAX_ELEMENTS) + " more");
            break;
          }
          entries.put(String.valueOf(tree(entry.getKey(), 1, seen)), tree(entry.getValue(), depth - 1, seen));
        }
        return entries;
      }
      return fields(value, depth, seen);
    } finally {
      seen.remove(value);
    }
  }

  /** The instance fields of an object, its class's and its superclasses', as far as access allows. */
  static Map<String, Object> fields(Object value, int depth, IdentityHashMap<Object, Boolean> seen) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("@type", value.getClass().getName());
    for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || fields.containsKey(field.getName())) {
          continue;
        }
        if (!field.trySetAccessible()) {
          fields.put(field.getName(), "<not accessible>");
          continue;
        }
        try {
          fields.put(field.getName(), tree(field.get(value), depth - 1, seen));
        } catch (IllegalAccessException e) {
          fields.put(field.getName(), "<not accessible>");
        }
      }
    }
    return fields;
  }

  static Map<String, Object> fields(Object value) {
    return value == null ? null : fields(value, MAX_DEPTH, new IdentityHashMap<>());
  }

  private static boolean isJdkValue(Class<?> type) {
    String name = type.getName();
    return name.startsWith("java.time.") || name.equals("java.util.UUID") || name.startsWith("java.math.")
        || name.equals("java.net.URI") || name.equals("java.net.URL") || name.startsWith("java.nio.file.")
        || name.equals("java.util.Optional") || name.equals("java.util.Locale");
  }

  private static String cut(String text) {
    return text.length() <= MAX_STRING ? text : text.substring(0, MAX_STRING) + "...(" + text.length() + " chars)";
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
      map.forEach((key, item) -> {
        if (!"@type".equals(key)) {
          parts.add(key + "=" + flatten(item));
        }
      });
      String simple = type == null ? "" : type.toString().substring(type.toString().lastIndexOf('.') + 1);
      return simple + "{" + String.join(", ", parts) + "}";
    }
    return String.valueOf(tree);
  }
}

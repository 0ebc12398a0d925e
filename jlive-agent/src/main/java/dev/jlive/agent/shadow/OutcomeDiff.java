package dev.jlive.agent.shadow;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Compares two outcomes of a method and names where they differ, as paths into the result: {@code
 * $} for the value itself, {@code $.total} for a field, {@code $[*].id} for a field of any element
 * of a list or array, {@code $[sku]} for a map's entry, {@code $exception} for what was thrown.
 * Indices are written {@code [*]}, so that noise learnt on one element (a timestamp in every line)
 * covers all of them.
 *
 * <p>Values are equal when {@code equals} says so; a class without its own {@code equals} is
 * compared field by field, recursively. When {@code equals} says two values differ, their fields
 * are still compared, to find the paths; if none differ, the value itself ({@code $}) does.
 * Exceptions are equal when their types and messages are. The walk is bounded ({@link #MAX_DEPTH}
 * levels, {@link #MAX_PATHS} paths); past the bound the remaining value counts as one path.
 *
 * <p>Why not {@link dev.jlive.agent.compare.OutcomeComparison}, which replay uses: it stops at a
 * class's own {@code equals}, so a record holding a timestamp would differ only as a whole ({@code
 * $}), and learning that as noise would hide every real difference of the method. Noise needs the
 * path inside.
 */
final class OutcomeDiff {
  static final int MAX_DEPTH = 8;
  static final int MAX_PATHS = 32;
  static final int MAX_ELEMENTS = 1_000;

  private final Set<String> paths = new TreeSet<>();
  private final IdentityHashMap<Object, Object> seen = new IdentityHashMap<>();

  private OutcomeDiff() {}

  /** The paths where two outcomes differ; empty when they are equal. */
  static Set<String> between(Outcome a, Outcome b) {
    OutcomeDiff diff = new OutcomeDiff();
    if (a.threw() || b.threw()) {
      if (!(a.threw()
          && b.threw()
          && a.thrown().getClass() == b.thrown().getClass()
          && Objects.equals(a.thrown().getMessage(), b.thrown().getMessage()))) {
        diff.paths.add("$exception");
      }
      return diff.paths;
    }
    diff.compare("$", a.value(), b.value(), 0);
    return diff.paths;
  }

  private void compare(String path, Object a, Object b, int depth) {
    if (a == b || paths.size() >= MAX_PATHS) {
      return;
    }
    if (a == null || b == null || a.getClass() != b.getClass()) {
      paths.add(path);
      return;
    }
    Class<?> type = a.getClass();
    boolean ownEquals = hasOwnEquals(type);
    if (ownEquals && safeEquals(a, b)) {
      return;
    }
    if (isValue(type) || depth >= MAX_DEPTH || seen.put(a, b) != null) {
      paths.add(path);
      return;
    }
    int before = paths.size();
    if (type.isArray()) {
      compareArrays(path, a, b, depth);
    } else if (a instanceof List<?> left && b instanceof List<?> right) {
      compareIterables(path, left, right, left.size(), right.size(), depth);
    } else if (a instanceof Map<?, ?> left && b instanceof Map<?, ?> right) {
      compareMaps(path, left, right, depth);
    } else if (!compareFields(path, a, b, depth)) {
      // Fields out of reach (a JDK class in a named module): equals had the last word.
      if (ownEquals) {
        paths.add(path);
      }
      return;
    }
    if (ownEquals && paths.size() == before) {
      paths.add(path);
    }
  }

  private void compareArrays(String path, Object a, Object b, int depth) {
    int length = Array.getLength(a);
    if (length != Array.getLength(b)) {
      paths.add(path + ".length");
      return;
    }
    for (int i = 0; i < Math.min(length, MAX_ELEMENTS); i++) {
      compare(path + "[*]", Array.get(a, i), Array.get(b, i), depth + 1);
    }
  }

  private void compareIterables(
      String path, Iterable<?> a, Iterable<?> b, int sizeA, int sizeB, int depth) {
    if (sizeA != sizeB) {
      paths.add(path + ".size");
      return;
    }
    Iterator<?> left = a.iterator();
    Iterator<?> right = b.iterator();
    for (int i = 0; i < MAX_ELEMENTS && left.hasNext() && right.hasNext(); i++) {
      compare(path + "[*]", left.next(), right.next(), depth + 1);
    }
  }

  private void compareMaps(String path, Map<?, ?> a, Map<?, ?> b, int depth) {
    if (!a.keySet().equals(b.keySet())) {
      paths.add(path + ".keys");
      return;
    }
    int count = 0;
    for (Map.Entry<?, ?> entry : a.entrySet()) {
      if (count++ >= MAX_ELEMENTS) {
        break;
      }
      compare(
          path + "[" + Outcome.text(entry.getKey()) + "]",
          entry.getValue(),
          b.get(entry.getKey()),
          depth + 1);
    }
  }

  /**
   * Compares instance fields, the class's and its superclasses'.
   *
   * @return false when the fields cannot be read
   */
  private boolean compareFields(String path, Object a, Object b, int depth) {
    for (Class<?> type = a.getClass(); type != null && type != Object.class; ) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        try {
          field.setAccessible(true);
          compare(path + "." + field.getName(), field.get(a), field.get(b), depth + 1);
        } catch (RuntimeException | IllegalAccessException e) {
          return false;
        }
      }
      type = type.getSuperclass();
    }
    return true;
  }

  /** Values whose equals is the whole truth: looking inside them names nothing more. */
  private static boolean isValue(Class<?> type) {
    return type.isPrimitive()
        || type.isEnum()
        || type == String.class
        || Number.class.isAssignableFrom(type)
        || type == Boolean.class
        || type == Character.class
        || type.getName().startsWith("java.time.")
        || type == UUID.class;
  }

  private static boolean hasOwnEquals(Class<?> type) {
    try {
      return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** Application equals may throw: then the values count as different. */
  private static boolean safeEquals(Object a, Object b) {
    try {
      return a.equals(b);
    } catch (Throwable t) {
      return false;
    }
  }
}

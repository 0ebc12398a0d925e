package dev.jlive.agent.compare;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * Compares two outcomes of the same call (recorded and replayed, or original and shadow): values by
 * their class's own {@code equals} where the class defines one, else structurally (arrays element
 * by element, objects field by field, recursively), exceptions by type and message.
 *
 * <p>Bounded: at most {@link #MAX_DEPTH} levels and {@link #MAX_NODES} values are visited, and at
 * most {@link #MAX_DIFFERENCES} differences kept. A comparison cut short by a bound, or one that
 * cannot read a part (a JDK class closed to reflection, an {@code equals} that threw), is {@link
 * Result#decided() undecided}, never reported as equal. Application {@code equals} methods run
 * here: callers run this away from the application's threads, or accept that cost.
 */
public final class OutcomeComparison {
  public static final int MAX_DEPTH = 12;
  public static final int MAX_NODES = 10_000;
  public static final int MAX_DIFFERENCES = 20;

  /**
   * @param differences where the two differ; empty when equal (or undecided with no difference
   *     found before the cut)
   * @param undecided why the comparison could not be completed; null when it was
   */
  public record Result(List<Difference> differences, String undecided) {
    public Result {
      differences = List.copyOf(differences);
    }

    public boolean equal() {
      return differences.isEmpty() && undecided == null;
    }

    public boolean decided() {
      return undecided == null || !differences.isEmpty();
    }
  }

  private final List<Difference> differences = new ArrayList<>();
  private final IdentityHashMap<Object, Object> visiting = new IdentityHashMap<>();
  private String undecided;
  private int nodes;

  private OutcomeComparison() {}

  /** Compares two outcomes; never throws. */
  public static Result compare(Outcome expected, Outcome actual) {
    OutcomeComparison comparison = new OutcomeComparison();
    try {
      comparison.outcomes(expected, actual);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      comparison.undecided = "the comparison failed: " + e;
    }
    return new Result(comparison.differences, comparison.undecided);
  }

  /** Compares two values (an outcome's or an argument's); never throws. */
  public static Result compareValues(Object expected, Object actual) {
    return compare(Outcome.returned(expected), Outcome.returned(actual));
  }

  private void outcomes(Outcome expected, Outcome actual) {
    if (expected.threw() || actual.threw()) {
      if (!expected.threw() || !actual.threw()) {
        differ("", describe(expected), describe(actual));
        return;
      }
      Throwable one = expected.thrown();
      Throwable two = actual.thrown();
      if (one.getClass() != two.getClass() || !Objects.equals(one.getMessage(), two.getMessage())) {
        differ("", describe(expected), describe(actual));
      }
      return;
    }
    values("", expected.value(), actual.value(), 0);
  }

  private static String describe(Outcome outcome) {
    return outcome.threw()
        ? "threw " + outcome.thrown().getClass().getName() + ": " + outcome.thrown().getMessage()
        : "returned " + brief(outcome.value());
  }

  private void differ(String path, String expected, String actual) {
    if (differences.size() < MAX_DIFFERENCES) {
      differences.add(new Difference(path, expected, actual));
    }
  }

  private void values(String path, Object expected, Object actual, int depth) {
    if (expected == actual) {
      return;
    }
    if (expected == null || actual == null || expected.getClass() != actual.getClass()) {
      differ(path, brief(expected), brief(actual));
      return;
    }
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      undecided =
          "the values are larger than the comparison's bound ("
              + MAX_DEPTH
              + " levels, "
              + MAX_NODES
              + " values)";
      return;
    }
    Class<?> type = expected.getClass();
    if (type.isArray()) {
      arrays(path, expected, actual, depth);
      return;
    }
    if (definesEquals(type)) {
      boolean same;
      try {
        same = expected.equals(actual);
      } catch (RuntimeException | LinkageError e) {
        undecided = type.getName() + ".equals threw " + e;
        return;
      }
      if (!same) {
        differ(path, brief(expected), brief(actual));
      }
      return;
    }
    if (visiting.put(expected, actual) != null) {
      return; // a cycle: this pair is being compared further up
    }
    try {
      fields(path, type, expected, actual, depth);
    } finally {
      visiting.remove(expected);
    }
  }

  private void arrays(String path, Object expected, Object actual, int depth) {
    int length = Array.getLength(expected);
    if (length != Array.getLength(actual)) {
      differ(path + ".length", Integer.toString(length), Integer.toString(Array.getLength(actual)));
      return;
    }
    for (int i = 0; i < length && undecided == null; i++) {
      values(path + "[" + i + "]", Array.get(expected, i), Array.get(actual, i), depth + 1);
    }
  }

  private void fields(String path, Class<?> type, Object expected, Object actual, int depth) {
    for (Class<?> each = type; each != null && each != Object.class; each = each.getSuperclass()) {
      for (Field field : each.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        try {
          field.setAccessible(true);
        } catch (RuntimeException e) {
          undecided =
              "the fields of "
                  + each.getName()
                  + " cannot be read ("
                  + e.getClass().getSimpleName()
                  + "), and it defines no equals";
          return;
        }
        Object one;
        Object two;
        try {
          one = field.get(expected);
          two = field.get(actual);
        } catch (IllegalAccessException e) {
          undecided = "the field " + each.getName() + "." + field.getName() + " cannot be read";
          return;
        }
        values(path + "." + field.getName(), one, two, depth + 1);
        if (undecided != null) {
          return;
        }
      }
    }
  }

  /** True when the class or a superclass below Object declares its own equals. */
  static boolean definesEquals(Class<?> type) {
    for (Class<?> each = type; each != null && each != Object.class; each = each.getSuperclass()) {
      try {
        return each.getDeclaredMethod("equals", Object.class) != null;
      } catch (NoSuchMethodException e) {
        // Not here: look in the superclass.
      }
    }
    return false;
  }

  /** A value in a few words: its toString for JDK values, else its class and identity. */
  static String brief(Object value) {
    if (value == null) {
      return "null";
    }
    String text;
    if (value instanceof CharSequence
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Character
        || value instanceof Enum<?>) {
      text = value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    } else if (value.getClass().isArray()) {
      text =
          value.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(value) + "]";
    } else {
      text = value.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(value));
    }
    return text.length() > 120 ? text.substring(0, 117) + "..." : text;
  }
}

package dev.jlive.agent.inspect;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Finds the loaded class names closest to a name that matched nothing, to suggest in errors. */
final class SimilarNames {
  private SimilarNames() {}

  static List<String> closest(Instrumentation instrumentation, String wanted, int count) {
    String simpleWanted = simpleName(wanted).toLowerCase(Locale.ROOT);
    record Scored(String name, int distance) {}
    List<Scored> scored = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (!ClassSearch.isVisible(type)) {
        continue;
      }
      String simple = simpleName(type.getName()).toLowerCase(Locale.ROOT);
      int distance = distance(simpleWanted, simple);
      if (distance <= Math.max(2, simpleWanted.length() / 3) || simple.equals(simpleWanted)) {
        scored.add(new Scored(type.getName(), type.getName().equals(wanted) ? 0 : distance + 1));
      }
    }
    return scored.stream()
        .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
        .map(Scored::name)
        .distinct()
        .limit(count)
        .toList();
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** Levenshtein distance; names are short, so the quadratic table is cheap. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

package dev.jlive.protocol.probe;

import java.util.Arrays;

/**
 * A name pattern compiled to a small automaton and matched without backtracking.
 *
 * <p>The patterns used to become {@code java.util.regex} expressions ({@code *} as {@code [^.]*}),
 * and a selector of 200 {@code *} then backtracked for minutes on one class name, holding the probe
 * engine's lock. Here every position of the pattern is a state, and matching walks the name once,
 * keeping the set of states reachable so far (Thompson's construction): the cost is at most the
 * name's length times the pattern's length, whatever the input, and the caps in {@link
 * ClassPattern} keep the pattern short.
 *
 * <p>Tokens: a literal character; {@code *}, any run of characters but '.'; and a package span, any
 * run of whole segments each ending in '.' (what {@code ..} adds after its first dot).
 */
public final class Glob {
  private static final byte LITERAL = 0;
  private static final byte STAR = 1;

  /** A package span's entry: it may end here, or start a segment. */
  private static final byte SPAN = 2;

  /** Inside a package span's segment, until its '.'. */
  private static final byte SPAN_SEGMENT = 3;

  private final byte[] kinds;
  private final char[] literals;

  /** What every match starts with and ends with: a cheap O(length) refusal for most names. */
  private final String prefix;

  private final String suffix;

  private Glob(byte[] kinds, char[] literals) {
    this.kinds = kinds;
    this.literals = literals;
    this.prefix = literalRun(0, 1);
    // A pattern without wildcards is all prefix.
    this.suffix =
        prefix.length() == kinds.length
            ? ""
            : new StringBuilder(literalRun(kinds.length - 1, -1)).reverse().toString();
  }

  /** Compiles a class pattern: {@code *} within a segment, {@code ..} across packages. */
  public static Glob classPattern(String pattern) {
    Builder builder = new Builder(pattern.length() * 2);
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (pattern.startsWith("..", i)) {
        // "com..X" is "com." then any whole segments; a leading ".." is any package, or none.
        if (i > 0) {
          builder.add(LITERAL, '.');
        }
        builder.add(SPAN, ' ');
        builder.add(SPAN_SEGMENT, ' ');
        i++;
      } else if (c == '*') {
        builder.add(STAR, ' ');
      } else {
        builder.add(LITERAL, c);
      }
    }
    return builder.build();
  }

  /**
   * Compiles a method name pattern: {@code *} is any run of characters (method names have no '.').
   */
  public static Glob namePattern(String pattern) {
    return classPattern(pattern);
  }

  public boolean matches(String name) {
    if (name.length() < prefix.length() + suffix.length()
        || !name.startsWith(prefix)
        || !name.endsWith(suffix)) {
      return false;
    }
    int end = kinds.length;
    int[] current = new int[end + 1];
    int[] next = new int[end + 1];
    boolean[] seen = new boolean[end + 1];
    int count = add(current, 0, seen, 0);
    for (int i = 0; i < name.length() && count > 0; i++) {
      char c = name.charAt(i);
      Arrays.fill(seen, false);
      int nextCount = 0;
      for (int k = 0; k < count; k++) {
        int state = current[k];
        if (state == end) {
          continue;
        }
        switch (kinds[state]) {
          case LITERAL -> {
            if (literals[state] == c) {
              nextCount = add(next, nextCount, seen, state + 1);
            }
          }
          case STAR -> {
            if (c != '.') {
              nextCount = add(next, nextCount, seen, state);
            }
          }
          case SPAN -> nextCount = add(next, nextCount, seen, c == '.' ? state : state + 1);
          default -> nextCount = add(next, nextCount, seen, c == '.' ? state - 1 : state);
        }
      }
      count = nextCount;
      int[] swap = current;
      current = next;
      next = swap;
    }
    for (int k = 0; k < count; k++) {
      if (current[k] == end) {
        return true;
      }
    }
    return false;
  }

  /** Adds a state and every state reachable from it without reading a character. */
  private int add(int[] set, int count, boolean[] seen, int state) {
    while (!seen[state]) {
      seen[state] = true;
      set[count++] = state;
      if (state == kinds.length) {
        break;
      }
      if (kinds[state] == STAR) {
        state++;
      } else if (kinds[state] == SPAN) {
        // An empty span: past its segment state.
        state += 2;
      } else {
        break;
      }
    }
    return count;
  }

  private String literalRun(int from, int step) {
    StringBuilder run = new StringBuilder();
    for (int i = from; i >= 0 && i < kinds.length && kinds[i] == LITERAL; i += step) {
      run.append(literals[i]);
    }
    return run.toString();
  }

  private static final class Builder {
    private final byte[] kinds;
    private final char[] literals;
    private int size;

    Builder(int capacity) {
      kinds = new byte[capacity];
      literals = new char[capacity];
    }

    void add(byte kind, char literal) {
      kinds[size] = kind;
      literals[size] = literal;
      size++;
    }

    Glob build() {
      return new Glob(Arrays.copyOf(kinds, size), Arrays.copyOf(literals, size));
    }
  }
}

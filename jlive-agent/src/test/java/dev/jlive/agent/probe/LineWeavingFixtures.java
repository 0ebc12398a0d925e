package dev.jlive.agent.probe;

import java.util.function.IntSupplier;

/**
 * Methods whose locals and control flow have broken hand-emitted line weaving before. Each probed
 * line carries a {@code // line:NAME} marker that the test looks up, so editing this file does not
 * silently move a probe.
 */
@SuppressWarnings("unused")
public class LineWeavingFixtures {
  private final long seed;

  public LineWeavingFixtures(long seed) {
    long doubled = seed * 2;
    this.seed = doubled; // line:constructor
  }

  public long longLocal(int count) {
    long total = 7L;
    int after = count + 1; // line:afterLong
    return total + after;
  }

  public double doubleAndLong(double factor, long base) {
    double scaled = factor * 3;
    long shifted = base << 2;
    String label = "x";
    return scaled + shifted + label.length(); // line:doubleAndLong
  }

  public static long staticLong(long a, int b) {
    long product = a * b;
    return product + 1; // line:staticLong
  }

  public int scopes(int n) {
    int result = 0;
    {
      long inner = n * 10L;
      result += (int) inner;
    }
    String after = "s" + result; // line:afterScope
    return after.length() + result;
  }

  public int loopHead(int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += i; // line:loopBody
    }
    return (int) sum;
  }

  public int tryCatch(String text) {
    long attempts = 1;
    try {
      return Integer.parseInt(text) + (int) attempts; // line:insideTry
    } catch (NumberFormatException e) {
      return -1 - (int) attempts; // line:insideCatch
    }
  }

  public int afterTryCatch(String text) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = -1;
    }
    return (int) value; // line:afterTry
  }

  public int afterTryShifted(String text) {
    int extra = 1;
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = -1;
    }
    return (int) value * 3 * extra; // line:afterTryShifted
  }

  public int switchesAndLambda(int n) {
    long base = 5;
    int picked;
    switch (n) {
      case 1 -> picked = 10;
      case 2 -> picked = 20;
      case 3 -> picked = 30;
      default -> picked = 0;
    }
    int sparse;
    switch (n * 1000) {
      case 1000 -> sparse = 1;
      case 1_000_000 -> sparse = 2;
      default -> sparse = 3;
    }
    IntSupplier next = () -> n + 1;
    return picked + sparse + next.getAsInt() + (int) base; // line:afterSwitches
  }

  public long wideLocals(long start) {
    long l0 = start,
        l1 = l0 + 1,
        l2 = l1 + 1,
        l3 = l2 + 1,
        l4 = l3 + 1,
        l5 = l4 + 1,
        l6 = l5 + 1,
        l7 = l6 + 1;
    long l8 = l7 + 1,
        l9 = l8 + 1,
        l10 = l9 + 1,
        l11 = l10 + 1,
        l12 = l11 + 1,
        l13 = l12 + 1,
        l14 = l13 + 1;
    long l15 = l14 + 1,
        l16 = l15 + 1,
        l17 = l16 + 1,
        l18 = l17 + 1,
        l19 = l18 + 1,
        l20 = l19 + 1,
        l21 = l20 + 1;
    long l22 = l21 + 1,
        l23 = l22 + 1,
        l24 = l23 + 1,
        l25 = l24 + 1,
        l26 = l25 + 1,
        l27 = l26 + 1,
        l28 = l27 + 1;
    long l29 = l28 + 1,
        l30 = l29 + 1,
        l31 = l30 + 1,
        l32 = l31 + 1,
        l33 = l32 + 1,
        l34 = l33 + 1,
        l35 = l34 + 1;
    long l36 = l35 + 1,
        l37 = l36 + 1,
        l38 = l37 + 1,
        l39 = l38 + 1,
        l40 = l39 + 1,
        l41 = l40 + 1,
        l42 = l41 + 1;
    long l43 = l42 + 1,
        l44 = l43 + 1,
        l45 = l44 + 1,
        l46 = l45 + 1,
        l47 = l46 + 1,
        l48 = l47 + 1,
        l49 = l48 + 1;
    long l50 = l49 + 1,
        l51 = l50 + 1,
        l52 = l51 + 1,
        l53 = l52 + 1,
        l54 = l53 + 1,
        l55 = l54 + 1,
        l56 = l55 + 1;
    long l57 = l56 + 1,
        l58 = l57 + 1,
        l59 = l58 + 1,
        l60 = l59 + 1,
        l61 = l60 + 1,
        l62 = l61 + 1,
        l63 = l62 + 1;
    long l64 = l63 + 1,
        l65 = l64 + 1,
        l66 = l65 + 1,
        l67 = l66 + 1,
        l68 = l67 + 1,
        l69 = l68 + 1,
        l70 = l69 + 1;
    long l71 = l70 + 1,
        l72 = l71 + 1,
        l73 = l72 + 1,
        l74 = l73 + 1,
        l75 = l74 + 1,
        l76 = l75 + 1,
        l77 = l76 + 1;
    long l78 = l77 + 1,
        l79 = l78 + 1,
        l80 = l79 + 1,
        l81 = l80 + 1,
        l82 = l81 + 1,
        l83 = l82 + 1,
        l84 = l83 + 1;
    long l85 = l84 + 1,
        l86 = l85 + 1,
        l87 = l86 + 1,
        l88 = l87 + 1,
        l89 = l88 + 1,
        l90 = l89 + 1,
        l91 = l90 + 1;
    long l92 = l91 + 1,
        l93 = l92 + 1,
        l94 = l93 + 1,
        l95 = l94 + 1,
        l96 = l95 + 1,
        l97 = l96 + 1,
        l98 = l97 + 1;
    long l99 = l98 + 1,
        l100 = l99 + 1,
        l101 = l100 + 1,
        l102 = l101 + 1,
        l103 = l102 + 1,
        l104 = l103 + 1;
    long l105 = l104 + 1,
        l106 = l105 + 1,
        l107 = l106 + 1,
        l108 = l107 + 1,
        l109 = l108 + 1,
        l110 = l109 + 1;
    long l111 = l110 + 1,
        l112 = l111 + 1,
        l113 = l112 + 1,
        l114 = l113 + 1,
        l115 = l114 + 1,
        l116 = l115 + 1;
    long l117 = l116 + 1,
        l118 = l117 + 1,
        l119 = l118 + 1,
        l120 = l119 + 1,
        l121 = l120 + 1,
        l122 = l121 + 1;
    long l123 = l122 + 1,
        l124 = l123 + 1,
        l125 = l124 + 1,
        l126 = l125 + 1,
        l127 = l126 + 1,
        l128 = l127 + 1;
    int wide = (int) l128; // line:wideLocals
    return l128 + wide;
  }
}

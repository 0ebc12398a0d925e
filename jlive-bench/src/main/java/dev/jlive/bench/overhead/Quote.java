package dev.jlive.bench.overhead;

/**
 * The two-thread workload's method (issue 16): a static method with primitive arguments that takes
 * about 120 ns, a chain of dependent multiplications the JIT cannot fold. {@link TwoThreads} puts
 * every probe kind on it. The line probe scenario counts {@link #LINE}: keep the two in step.
 */
public final class Quote {
  /** The source line of the method's first statement, where the line probe scenario counts. */
  static final int LINE = 17;

  static final int ROUNDS = 48;

  private Quote() {}

  public static int quote(int sku, int qty) {
    int price = sku * 0x9E3779B1 + qty;
    for (int round = 0; round < ROUNDS; round++) {
      price ^= price >>> 15;
      price *= 0x85EBCA77;
      price += round;
    }
    return price;
  }

  /**
   * The same rounds in two calls, for {@link TraceCost}: a trace of this method has two callees to
   * time, a line profile three lines.
   */
  public static int inTwoParts(int sku, int qty) {
    int first = rounds(sku * 0x9E3779B1 + qty, 0, ROUNDS / 2);
    return rounds(first, ROUNDS / 2, ROUNDS);
  }

  /**
   * The same rounds in two calls that each make two, for {@link TraceCost}'s deeper trace: at
   * {@code --trace-depth 2} the tree has two callees and four calls below them.
   */
  public static int inTwoHalves(int sku, int qty) {
    int first = half(sku * 0x9E3779B1 + qty, 0);
    return half(first, ROUNDS / 2);
  }

  static int half(int price, int from) {
    int quarter = rounds(price, from, from + ROUNDS / 4);
    return rounds(quarter, from + ROUNDS / 4, from + ROUNDS / 2);
  }

  static int rounds(int price, int from, int to) {
    int next = price;
    for (int round = from; round < to; round++) {
      next ^= next >>> 15;
      next *= 0x85EBCA77;
      next += round;
    }
    return next;
  }
}

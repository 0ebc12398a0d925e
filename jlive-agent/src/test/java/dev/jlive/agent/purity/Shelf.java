package dev.jlive.agent.purity;

import java.io.FileOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Methods the side-effect check judges, each the smallest case of what it must tell apart. */
@SuppressWarnings({"unused", "UnusedVariable"})
class Shelf {
  static int hits;
  long total;
  final Object lock = new Object();
  final int[] counts = new int[4];

  static long price(long cents, int quantity) {
    long gross = cents * quantity;
    return quantity >= 10 ? (gross * 90 + 50) / 100 : gross;
  }

  void addToTotal(long cents) {
    total += cents;
  }

  long lockedTotal() {
    synchronized (lock) {
      return total;
    }
  }

  synchronized long synchronizedTotal() {
    return total;
  }

  static void audit(String line) throws IOException {
    try (FileOutputStream out = new FileOutputStream("/dev/null")) {
      out.write(line.getBytes());
    }
  }

  static int[] squares(int n) {
    int[] squares = new int[n];
    for (int i = 0; i < n; i++) {
      squares[i] = i * i;
    }
    return squares;
  }

  static Box boxed(int value) {
    Box box = new Box();
    box.value = value;
    box.fill(value);
    return box;
  }

  static String label(int quantity) {
    StringBuilder text = new StringBuilder("qty ").append(quantity);
    List<String> parts = new ArrayList<>();
    parts.add(text.toString());
    return parts.get(0) + " " + Math.max(quantity, 0) + " " + "abc".trim();
  }

  static long priceAndCount(long cents, int quantity) {
    count();
    return price(cents, quantity);
  }

  private static void count() {
    hits++;
  }

  void bump() {
    counts[0]++;
  }

  static String unknownJdk(java.util.Random random) {
    return Integer.toString(random.nextInt());
  }

  static int viaInterface(Measure measure) {
    return measure.size();
  }

  static int deep(int n) {
    return n <= 0 ? 0 : deep(n - 1);
  }

  static final class Box {
    int value;

    void fill(int v) {
      value = v;
    }
  }

  interface Measure {
    int size();
  }

  static final class Constant implements Measure {
    @Override
    public int size() {
      return 3;
    }
  }

  static final class Counting implements Measure {
    int calls;

    @Override
    public int size() {
      return calls++;
    }
  }

  /** A value the call builds itself: a record's constructor only sets its own fields. */
  record Priced(long cents, int quantity) {}

  static Priced priced(long cents, int quantity) {
    return new Priced(cents * quantity, quantity);
  }
}

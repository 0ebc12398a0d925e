package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A target for the side-effect check: {@link Till} has one method of each kind the check must tell
 * apart. {@code run} calls each once and answers, so the test sees the app is alive.
 */
public final class SideEffectsApp {
  private SideEffectsApp() {}

  public static void main(String[] args) throws Exception {
    Till till = new Till();
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      long price = Till.price(120, 10);
      till.add(price);
      System.out.println(
          "run done price="
              + price
              + " locked="
              + till.lockedTotal()
              + " squares="
              + Till.squares(4).length
              + " label="
              + Till.label(3)
              + " counted="
              + Till.priceAndCount(5, 2));
    }
  }

  /** One method per case; the line numbers are asserted by the test. */
  public static final class Till {
    static int calls;
    long total;
    final Object lock = new Object();

    public static long price(long cents, int quantity) {
      long gross = cents * quantity;
      return quantity >= 10 ? (gross * 90 + 50) / 100 : gross;
    }

    public void add(long cents) {
      total += cents;
    }

    public long lockedTotal() {
      synchronized (lock) {
        return total;
      }
    }

    public static void audit(String line) throws IOException {
      try (FileOutputStream out = new FileOutputStream("/dev/null")) {
        out.write(line.getBytes(StandardCharsets.UTF_8));
      }
    }

    public static int[] squares(int n) {
      int[] squares = new int[n];
      for (int i = 0; i < n; i++) {
        squares[i] = i * i;
      }
      return squares;
    }

    public static String label(int quantity) {
      return new StringBuilder("qty ").append(Math.max(quantity, 0)).toString();
    }

    public static long priceAndCount(long cents, int quantity) {
      count();
      return price(cents, quantity);
    }

    private static void count() {
      calls++;
    }
  }
}

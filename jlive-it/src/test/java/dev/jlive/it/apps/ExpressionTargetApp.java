package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A target for probe expressions: {@code place N} places N orders, and answers how many it placed
 * and the total, so a test sees that the application's thread came back.
 */
public final class ExpressionTargetApp {
  private ExpressionTargetApp() {}

  public static void main(String[] args) throws Exception {
    Checkout checkout = new Checkout();
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      int times = words.length > 1 ? Integer.parseInt(words[1]) : 1;
      if (words[0].equals("place")) {
        int placed = 0;
        for (int i = 0; i < times; i++) {
          placed += checkout.place(new Order(i), i % 2 == 0 ? "anna" : "bob", i * 20) ? 1 : 0;
        }
        System.out.println(
            "place done placed="
                + placed
                + " total="
                + checkout.total
                + " meter="
                + checkout.meter.value);
      } else {
        System.out.println("unknown " + line);
      }
    }
  }

  public static final class Order {
    final int id;

    Order(int id) {
      this.id = id;
    }
  }

  public static final class Checkout {
    private int total;
    private final Future<String> pending = new CompletableFuture<>();
    final Meter meter = new Meter();

    public boolean place(Order order, String name, int total) {
      this.total += total;
      return total >= 0;
    }
  }

  /** Its getter only reads, until a test patches it to write. */
  public static final class Meter {
    int value = 3;

    public int value() {
      return value;
    }
  }
}

package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A target for the probe slot checks: three classes with a {@code work} method, of which one has no
 * {@code quantity} for a template to name, and a generated class (on the class path the test gives,
 * {@code dev.jlive.it.apps.generated.BigMethod}) whose one method is at the JVM's 64 KB limit, too
 * large to take a probe. Idles until its stdin closes.
 */
public final class SlotLeakApp {
  /** Made by the test: the class path must hold it. */
  public static final String BIG_METHOD = "dev.jlive.it.apps.generated.BigMethod";

  private SlotLeakApp() {}

  public static void main(String[] args) throws Exception {
    // Loaded in this order, so that the JVM lists a class a 'q={quantity}' template fits before
    // Clock, whichever way round it lists them: the probe takes that class's slots, then fails.
    int sum = new Shop().work(1) + new Clock().work() + new Depot().work(2);
    Class<?> big = Class.forName(BIG_METHOD);
    System.out.println(
        "ready " + ProcessHandle.current().pid() + " " + sum + " " + big.getSimpleName());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // Nothing to do: the test only probes.
    }
  }

  public static final class Shop {
    public int work(int quantity) {
      return quantity * 2;
    }
  }

  /** Its {@code work} has no {@code quantity}. */
  public static final class Clock {
    public int work() {
      return 0;
    }
  }

  public static final class Depot {
    public int work(int quantity) {
      return quantity + 1;
    }
  }
}

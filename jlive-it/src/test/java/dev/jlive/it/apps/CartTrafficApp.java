package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A service under steady, varied traffic, for the health-gate tests: a thread prices carts of 0 to
 * 9 items in turn about every millisecond (so that a patch that fails on some carts shows in the
 * automatic probe's exceptions, and one that sleeps in its latency), counting what failed. "price
 * N" answers what Pricer.price(N) returns now, or the exception it threw; "failed" the failures of
 * the traffic so far.
 */
public final class CartTrafficApp {
  private CartTrafficApp() {}

  public static void main(String[] args) throws Exception {
    Pricer pricer = new Pricer();
    Pricer traffic = new Pricer();
    AtomicLong failed = new AtomicLong();
    Thread load =
        new Thread(
            () -> {
              for (int cart = 0; ; cart = (cart + 1) % 10) {
                try {
                  traffic.price(cart);
                } catch (RuntimeException e) {
                  failed.incrementAndGet();
                }
                LockSupport.parkNanos(1_000_000);
              }
            },
            "traffic");
    load.setDaemon(true);
    load.start();
    System.out.println("ready " + ProcessHandle.current().pid() + " " + pricer.price(0));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      if (words[0].equals("price")) {
        String answer;
        try {
          answer = "price " + pricer.price(Integer.parseInt(words[1]));
        } catch (RuntimeException e) {
          answer = "price threw " + e;
        }
        System.out.println(answer);
      } else if (words[0].equals("failed")) {
        System.out.println("failed " + failed.get());
      }
    }
  }
}

package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A target for {@code --trace} and {@code --profile-lines}: a method whose two callees, and two of
 * whose lines, wait for known times (5 ms and 20 ms), so the time the tools attribute to each can
 * be checked. "order N", "steps N" and "fetch N" call the methods N times and print when done
 * ("fetch" calls a callee of order from outside it).
 */
public final class TracedApp {
  private TracedApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      int times = Integer.parseInt(words[1]);
      long sum = 0;
      for (int i = 0; i < times; i++) {
        sum +=
            switch (words[0]) {
              case "order" -> order(i);
              case "fetch" -> fetch(i);
              default -> steps(i);
            };
      }
      System.out.println(words[0] + " done sum=" + sum);
    }
  }

  /** Traced: calls fetch (5 ms) and price (20 ms) once each. */
  static int order(int i) {
    int fetched = fetch(i);
    int priced = price(i);
    return fetched + priced;
  }

  static int fetch(int i) {
    return i + wait5();
  }

  /** Four waits of fetch's one: however much each overshoots on a busy box, four times as long. */
  static int price(int i) {
    return 1 + wait5() + wait5() + wait5() + wait5();
  }

  /** Line-profiled: the lines marked "short" and "long" wait 5 ms and 4 times 5 ms. */
  static int steps(int i) {
    int total = i;
    total += wait5(); // short
    total += wait5() + wait5() + wait5() + wait5(); // long
    return total + 1;
  }

  private static int wait5() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    return 0;
  }
}

package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * A target with large values, for the probe memory bounds: commands on stdin call its methods in a
 * loop, and {@code heap} prints the heap in use after a full collection.
 */
public final class LargeValuesApp {
  private LargeValuesApp() {}

  /**
   * Forty fields, each the same 1 MB string: small in the application, large once rendered field by
   * field.
   */
  public static final class Wide {
    final String a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9;
    final String c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9;

    Wide(String s) {
      a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = a9 = s;
      b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = b8 = b9 = s;
      c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = c8 = c9 = s;
      d0 = d1 = d2 = d3 = d4 = d5 = d6 = d7 = d8 = d9 = s;
    }
  }

  /** The methods probes go on. */
  public static final class Sink {
    private long total;

    public int take(String payload) {
      total += payload.length();
      return payload.length();
    }

    public int keep(Wide wide, Wide other) {
      return wide.a0.length() + other.d9.length();
    }

    public int name(String name) {
      return name == null ? 0 : name.length();
    }

    public long note(int i) {
      return total += i;
    }
  }

  public static void main(String[] args) throws Exception {
    Sink sink = new Sink();
    String large = "x".repeat(1 << 20);
    Wide wide = new Wide(large);
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      int times = words.length > 1 ? Integer.parseInt(words[1]) : 1;
      long result = 0;
      switch (words[0]) {
        case "big" -> {
          for (int i = 0; i < times; i++) {
            result += sink.take(large);
          }
        }
        case "wide" -> {
          for (int i = 0; i < times; i++) {
            result += sink.keep(wide, wide);
          }
        }
        case "nulls" -> {
          for (int i = 0; i < times; i++) {
            result += sink.name(i % 2 == 0 ? null : "name " + i);
          }
        }
        case "note" -> {
          for (int i = 0; i < times; i++) {
            result += sink.note(i);
          }
        }
        case "heap" -> {
          for (int i = 0; i < 3; i++) {
            System.gc();
          }
          result = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        default -> {
          System.out.println("unknown " + line);
          continue;
        }
      }
      System.out.println(words[0] + " done " + result);
    }
  }
}

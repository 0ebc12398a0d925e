package dev.jlive.it.apps;

import com.sun.management.ThreadMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A target for probes. Commands on stdin call its methods a given number of times and print what
 * the calls returned, so a test can check both the probe's view and the application's.
 */
public final class ProbeTargetApp {
  private ProbeTargetApp() {}

  public static void main(String[] args) throws Exception {
    Calculator calculator = new Calculator();
    Greeter english = new EnglishGreeter();
    System.out.println("ready " + ProcessHandle.current().pid() + " " + english.greet("ann"));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      int times = words.length > 1 ? Integer.parseInt(words[1]) : 1;
      switch (words[0]) {
        case "add" -> {
          long sum = 0;
          for (int i = 0; i < times; i++) {
            sum += callAdd(calculator, i);
          }
          System.out.println("add done sum=" + sum);
        }
        case "allocation" -> {
          // The bytes this thread allocates per call of add, probes included.
          ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
          long sum = 0;
          long before = threads.getCurrentThreadAllocatedBytes();
          for (int i = 0; i < times; i++) {
            sum += callAdd(calculator, i);
          }
          long allocated = threads.getCurrentThreadAllocatedBytes() - before;
          System.out.println(
              "allocation done perCall=" + (double) allocated / times + " sum=" + sum);
        }
        case "divide" -> {
          // Every third call divides by zero.
          int failures = 0;
          long sum = 0;
          for (int i = 0; i < times; i++) {
            try {
              sum += calculator.divide(100, i % 3 == 0 ? 0 : i);
            } catch (ArithmeticException e) {
              failures++;
            }
          }
          System.out.println("divide done sum=" + sum + " failures=" + failures);
        }
        case "bomb" -> {
          int ok = 0;
          for (int i = 0; i < times; i++) {
            ok += calculator.inspect(Optional.of(new Bomb())) ? 1 : 0;
          }
          System.out.println("bomb done ok=" + ok);
        }
        case "sum" -> System.out.println("sum done " + calculator.sumOfSquares(times));
        case "lazy" -> System.out.println("lazy done " + new LazyThing().run(times));
        case "french" -> {
          Greeter french = new FrenchGreeter();
          String last = "";
          for (int i = 0; i < times; i++) {
            last = french.greet("ann") + english.greet("bob");
          }
          System.out.println("french done " + last);
        }
        default -> System.out.println("unknown " + line);
      }
    }
  }

  static int callAdd(Calculator calculator, int i) {
    return calculator.add(i, 1);
  }

  /** The methods probes go on. */
  public static final class Calculator {
    private int calls;
    private final String name = "calc";

    public int add(int a, int b) {
      calls++;
      return a + b;
    }

    public long add(long a, long b) {
      return a + b;
    }

    public long divide(long dividend, long divisor) {
      return dividend / divisor;
    }

    public long sumOfSquares(int n) {
      long total = 0;
      for (int i = 1; i <= n; i++) {
        long square = (long) i * i;
        total += square; // line probe here
      }
      return total;
    }

    public boolean inspect(Optional<Bomb> value) {
      return value.isPresent();
    }

    @Override
    public String toString() {
      return name + " after " + calls + " calls";
    }
  }

  /** Rendering it fails, as some application toString methods do. */
  public static final class Bomb {
    @Override
    public String toString() {
      throw new IllegalStateException("boom");
    }
  }

  public interface Greeter {
    String greet(String name);
  }

  public static final class EnglishGreeter implements Greeter {
    @Override
    public String greet(String name) {
      return "hello " + name;
    }
  }

  /** Loaded only by the "french" command: an implementation that arrives after the probe. */
  public static final class FrenchGreeter implements Greeter {
    @Override
    public String greet(String name) {
      return "bonjour " + name;
    }
  }
}

package dev.jlive.it.apps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A target for record and replay: a thread calls pure methods in a loop: one on a 200-element array
 * (about 1.6 KB of values, for a capture cut by --max-size), one through an interface whose two
 * implementations take turns (a fresh replay JVM must find them on its class path; a class path
 * without one of them cannot read those calls back), and one that takes and returns the JDK's
 * immutable and unmodifiable collections.
 */
public final class RecordApp {
  private RecordApp() {}

  /** What {@link #total} reads: a class a replay's class path can leave out. */
  public static final class Basket {
    final long[] prices;

    public Basket(long[] prices) {
      this.prices = prices;
    }
  }

  /** What {@link #quote} calls: the replay's side-effect check follows it into each class. */
  public interface Rate {
    long cents(int quantity);
  }

  public static final class FlatRate implements Rate {
    @Override
    public long cents(int quantity) {
      return 250L * quantity;
    }
  }

  public static final class BulkRate implements Rate {
    @Override
    public long cents(int quantity) {
      return (quantity >= 10 ? 200L : 250L) * quantity;
    }
  }

  /** What {@link #pack} returns: the collections it was given, as they were. */
  public record Parcel(List<String> items, Map<String, Integer> counts) {}

  public static long quote(Rate rate, int quantity) {
    return rate.cents(quantity);
  }

  public static Parcel pack(List<String> items, Map<String, Integer> counts) {
    return new Parcel(items, counts);
  }

  /** The JDK's lists that refuse add, one kind after another. */
  private static List<String> items(long i) {
    switch ((int) (i % 5)) {
      case 0:
        return List.of("a", "b", "c");
      case 1:
        return Arrays.asList("d", "e");
      case 2:
        return Collections.unmodifiableList(new ArrayList<>(List.of("f")));
      case 3:
        return Collections.singletonList("g");
      default:
        return Collections.emptyList();
    }
  }

  private static Map<String, Integer> counts(long i) {
    return i % 2 == 0 ? Map.of("a", 1) : Collections.unmodifiableMap(new HashMap<>(Map.of("b", 2)));
  }

  public static long sum(long[] values) {
    long sum = 0;
    for (long value : values) {
      sum += value;
    }
    return sum;
  }

  /** Not through {@link #sum}: a recording of sum sees only the 200-element arrays. */
  public static long total(Basket basket) {
    return basket.prices[0] + basket.prices[1];
  }

  public static void main(String[] args) throws Exception {
    Thread caller =
        new Thread(
            () -> {
              long seen = 0;
              for (long i = 0; ; i++) {
                // Large values: Kryo writes small ones in a byte or two.
                long[] values = new long[200];
                for (int k = 0; k < values.length; k++) {
                  values[k] = (i + k) * 0x9E3779B97F4A7C15L;
                }
                seen += sum(values) + total(new Basket(new long[] {i, 2 * i}));
                Rate rate = i % 2 == 0 ? new FlatRate() : new BulkRate();
                seen += quote(rate, (int) (i % 12)) + pack(items(i), counts(i)).items().size();
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
                if (seen == Long.MIN_VALUE) {
                  System.out.println("never");
                }
              }
            },
            "record-app-caller");
    caller.setDaemon(true);
    caller.start();
    System.out.println("ready " + ProcessHandle.current().pid());
    caller.join();
  }
}

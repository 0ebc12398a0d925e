package dev.jlive.it.apps;

/**
 * A target for record and replay: a thread calls two pure methods in a loop, one on a 200-element
 * array (about 1.6 KB of values, for a capture cut by --max-size) and one on an object of a class
 * of its own (for a replay class path that lacks that class).
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

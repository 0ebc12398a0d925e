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

  public static long total(Basket basket) {
    return sum(basket.prices);
  }

  public static void main(String[] args) throws Exception {
    Thread caller =
        new Thread(
            () -> {
              long seen = 0;
              for (long i = 0; ; i++) {
                long[] values = new long[200];
                values[(int) (i % 200)] = i;
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

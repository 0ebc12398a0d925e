package dev.jlive.it.apps;

/**
 * A target for shadow runs: two threads call {@link Receipts#receipt} (whose result carries a
 * timestamp) and {@link Tally#add} (which writes a field) in a loop.
 */
public final class ShadowApp {
  private ShadowApp() {}

  /**
   * The result of a pure method that is not deterministic: its stamp differs on every call. No
   * equals of its own, so a shadow compares it field by field.
   */
  public static final class Receipt {
    final long stamp;
    final long total;

    public Receipt(long stamp, long total) {
      this.stamp = stamp;
      this.total = total;
    }

    public long total() {
      return total;
    }
  }

  /** A pure method whose result holds a timestamp. */
  public static final class Receipts {
    private Receipts() {}

    public static Receipt receipt(int quantity) {
      return new Receipt(System.nanoTime(), quantity * 100L);
    }
  }

  /** A method with a side effect: it changes the receiver's field. */
  public static final class Tally {
    private long total;

    public long add(long amount) {
      total += amount;
      return total;
    }
  }

  public static void main(String[] args) throws Exception {
    Tally tally = new Tally();
    Thread caller =
        new Thread(
            () -> {
              long sum = 0;
              for (long i = 0; ; i++) {
                sum += Receipts.receipt((int) (i % 20)).total();
                sum += tally.add(1);
                if (i % 1000 == 0) {
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                if (sum == Long.MIN_VALUE) {
                  System.out.println("never");
                }
              }
            },
            "shadow-app-caller");
    caller.setDaemon(true);
    caller.start();
    System.out.println("ready " + ProcessHandle.current().pid());
    Thread.sleep(Long.MAX_VALUE);
  }
}

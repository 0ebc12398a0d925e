package dev.jlive.bench;

import dev.jlive.bench.overhead.Quote;

/**
 * The two-thread workload of issue 16 as a plain process to attach to: two threads call {@link
 * Quote#quote} without pause, so both cores are busy when the agent arrives.
 */
public final class BusyTarget {
  /** Written now and then so that the JIT cannot drop the calls. */
  static volatile int sink;

  private BusyTarget() {}

  public static void main(String[] args) throws InterruptedException {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    for (int t = 0; t < threads; t++) {
      int sku = t;
      Thread worker =
          new Thread(
              () -> {
                int sum = 0;
                for (int i = 0; ; i++) {
                  sum += Quote.quote(sku + i, i & 7);
                  if ((i & 0xFFFFF) == 0) {
                    sink = sum;
                  }
                }
              },
              "busy-" + t);
      worker.setDaemon(true);
      worker.start();
    }
    System.out.println("busy-target ready pid=" + ProcessHandle.current().pid());
    Thread.sleep(Long.MAX_VALUE);
  }
}

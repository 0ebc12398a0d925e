package dev.jlive.it.support;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls a demo JVM's {@code price} in a loop on a thread of its own, so that a probe on it has
 * calls to count and chart; stops when closed, or after 90 s at most so a failed test cannot leave
 * it running.
 */
public final class PriceLoad implements AutoCloseable {
  private static final Duration LONGEST = Duration.ofSeconds(90);

  private final AtomicBoolean calling = new AtomicBoolean(true);
  private final Thread thread;

  public PriceLoad(TargetJvm jvm) {
    thread =
        new Thread(
            () -> {
              long until = System.nanoTime() + LONGEST.toNanos();
              try {
                while (calling.get() && System.nanoTime() < until) {
                  jvm.ask("price 2", "price");
                }
              } catch (IOException e) {
                // The JVM stopped: the test's awaits report it.
              }
            },
            "price-load");
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    calling.set(false);
    thread.join();
  }
}

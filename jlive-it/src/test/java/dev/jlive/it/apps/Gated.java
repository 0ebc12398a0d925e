package dev.jlive.it.apps;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Methods whose results say which version ran each half of a call, with arguments that are null or
 * primitive. Each call parks between its halves, so a swap without a safe point lands inside calls
 * every time (the negative controls rely on it). The tests patch this source by turning every
 * {@code "v1"} into {@code "v2"} and every {@code "|"} into {@code ";"}, which changes all five
 * methods.
 */
public final class Gated {
  private static final long PAUSE_NANOS = 300_000;

  /** Held calls that have run their first half. */
  static final AtomicInteger HELD_INSIDE = new AtomicInteger();

  private final String name;

  public Gated(String name) {
    this.name = name;
  }

  public static String call(String text, int number, long big, double ratio, boolean flag) {
    String head = first();
    LockSupport.parkNanos(PAUSE_NANOS);
    String tail = second();
    return head + tail + "|" + text + "|" + number + "|" + big + "|" + ratio + "|" + flag;
  }

  public String callOn(Object key, int number, long big, double ratio, boolean flag) {
    String head = first();
    LockSupport.parkNanos(PAUSE_NANOS);
    String tail = second();
    return head + tail + "|" + name + "|" + key + "|" + number + "|" + big + "|" + ratio + "|"
        + flag;
  }

  /** Waits between its halves until released: a frame that began long before any patch. */
  public static String hold(CountDownLatch release) throws InterruptedException {
    String head = first();
    HELD_INSIDE.incrementAndGet();
    release.await();
    return head + second() + "|" + "held";
  }

  static String first() {
    return "v1";
  }

  static String second() {
    return "v1";
  }
}

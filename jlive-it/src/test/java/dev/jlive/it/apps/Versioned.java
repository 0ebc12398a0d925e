package dev.jlive.it.apps;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Methods whose results say which version of the code ran each part of a call. The safe-point tests
 * read this source, change the versions and patch it while threads call it.
 */
public final class Versioned {
  /** A --check reads it: the patch may happen only once it is true. */
  public static volatile boolean ready;

  private Versioned() {}

  public static String call() {
    String a = first();
    // Time between the two halves: plain redefinition lands here in some call of every swap, so
    // the tests' negative control (--safepoint immediate) sees mixed versions every time.
    LockSupport.parkNanos(200_000);
    String b = second();
    return a + b;
  }

  static String first() {
    return "v1";
  }

  static String second() {
    return "v1";
  }

  public static int countdown(int n) {
    return n == 0 ? version() : countdown(n - 1);
  }

  static int version() {
    return 1;
  }

  public static int forever(AtomicBoolean stop) {
    int spins = 0;
    while (!stop.get()) {
      spins++;
      Thread.onSpinWait();
    }
    return spins;
  }
}

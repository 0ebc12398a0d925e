package dev.jlive.it.apps;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A critical section across two methods: the lock is taken in open() and released in close().
 * section() runs one; its result says which version ran each side. The safe-point tests patch
 * open() and close() together, with section() added to the quiescence set (--also).
 */
public final class Vault {
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static String opened;

  private Vault() {}

  public static String section() {
    open();
    // A pause inside the critical section, so an unguarded swap lands between open() and close().
    LockSupport.parkNanos(200_000);
    return close();
  }

  static void open() {
    LOCK.lock();
    opened = "v1";
  }

  static String close() {
    String seen = opened + "v1";
    LOCK.unlock();
    return seen;
  }
}

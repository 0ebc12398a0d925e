package dev.jlive.agent.probe;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@link System#nanoTime()} read once a millisecond by a daemon thread and kept in a volatile
 * field, for the checks that run on every call but only need about a millisecond: the rate limit,
 * its overflow window and the time to live. Reading it is one volatile load; a {@code nanoTime}
 * call costs about 32 ns on this project's benchmark VM ({@code kvm-clock}).
 *
 * <p>The value is monotonic and at most one tick (plus the ticker's scheduling delay, larger on a
 * loaded machine) behind the real clock: a limiter then admits a little later, a probe expires a
 * little later (the engine's housekeeping, with the real clock, still catches it). The ticker only
 * ticks while {@code needed} says so (while any probe is installed) and for a second after each
 * {@link #wake()}; otherwise it wakes five times a second. {@link #wake()} brings the value up to
 * date on the caller's thread before it returns.
 */
final class CoarseClock {
  static final long TICK_NANOS = 1_000_000L;
  private static final long IDLE_NANOS = 200_000_000L;

  private volatile long nanos = System.nanoTime();
  private volatile long wokenAt = nanos;
  private volatile boolean stopped;
  private volatile Thread ticker;
  private final BooleanSupplier needed;

  CoarseClock(BooleanSupplier needed) {
    this.needed = needed;
  }

  /** The clock's last tick, in {@link System#nanoTime()} units. */
  long nanos() {
    return nanos;
  }

  /** Sets the value, for tests that need time to pass without waiting; the ticker must not run. */
  void set(long value) {
    nanos = value;
  }

  /** Brings the value up to date now; the ticker takes over from here. */
  void wake() {
    long now = System.nanoTime();
    nanos = now;
    wokenAt = now;
    Thread thread = ticker;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  synchronized void start() {
    if (ticker != null || stopped) {
      return;
    }
    Thread thread = new Thread(this::run, "jlive-clock");
    thread.setDaemon(true);
    ticker = thread;
    thread.start();
  }

  /**
   * Ends the ticker thread and waits for it, so that nothing of the agent keeps running after a
   * detach.
   */
  void stop() {
    Thread thread;
    synchronized (this) {
      stopped = true;
      thread = ticker;
      ticker = null;
    }
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    while (!stopped) {
      long now = System.nanoTime();
      nanos = now;
      // A second after a wake, whatever woke it (a probe being added) is in place and needs it, or
      // gone.
      boolean busy = now - wokenAt < 1_000_000_000L || needed.getAsBoolean();
      LockSupport.parkNanos(this, busy ? TICK_NANOS : IDLE_NANOS);
    }
  }
}

package dev.jlive.agent.probe;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets through at most {@code perSecond} events a second, with bursts of up to one second's worth,
 * without locks: the state is the time at which the bucket is next empty (the "generic cell rate
 * algorithm"), advanced by compare-and-set. A refused call only reads it. The clock may be coarse
 * ({@link CoarseClock}): the limit holds over any window much longer than its tick.
 */
final class RateLimiter {
  private final long nanosPerEvent;
  private final long burstNanos;
  private final AtomicLong emptyAt;

  /**
   * @param now the clock the limiter will be asked with, now
   */
  RateLimiter(int perSecond, long now) {
    this.emptyAt = new AtomicLong(now);
    this.nanosPerEvent = 1_000_000_000L / perSecond;
    this.burstNanos = 1_000_000_000L;
  }

  boolean tryAcquire(long now) {
    while (true) {
      long current = emptyAt.get();
      long next = Math.max(current, now - burstNanos) + nanosPerEvent;
      if (next - now > burstNanos) {
        return false;
      }
      if (emptyAt.compareAndSet(current, next)) {
        return true;
      }
    }
  }
}

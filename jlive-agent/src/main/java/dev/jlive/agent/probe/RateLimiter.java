package dev.jlive.agent.probe;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets through at most {@code perSecond} events a second, with bursts of up to one second's
 * worth, without locks: the state is the time at which the bucket is next empty (the "generic
 * cell rate algorithm"), advanced by compare-and-set.
 */
final class RateLimiter {
  private final long nanosPerEvent;
  private final long burstNanos;
  private final AtomicLong emptyAt = new AtomicLong(System.nanoTime());

  RateLimiter(int perSecond) {
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

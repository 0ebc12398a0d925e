package dev.jlive.demo.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces requests from all threads evenly to reach a total rate. Each request claims the next free
 * slot and waits for it. Slots missed because the service was slow are not made up later: a burst
 * after a stall would measure the burst, not the service.
 */
final class RatePacer {

  private final long intervalNanos;
  private final AtomicLong nextSlot = new AtomicLong(Long.MIN_VALUE);

  /**
   * @param ratePerSecond requests per second over all threads; 0 for no pacing
   */
  RatePacer(double ratePerSecond) {
    this.intervalNanos = ratePerSecond == 0 ? 0 : Math.max(1, (long) (1e9 / ratePerSecond));
  }

  /** Waits for this thread's next slot; throws if interrupted, which is how the driver stops. */
  void await() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (intervalNanos == 0) {
      return;
    }
    long now = System.nanoTime();
    long slot =
        nextSlot.getAndAccumulate(now, (claimed, at) -> Math.max(claimed, at) + intervalNanos);
    TimeUnit.NANOSECONDS.sleep(Math.max(slot, now) - now);
  }
}

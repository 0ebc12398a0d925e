package dev.jlive.agent.probe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Measures a probe's own work as CPU time, for its CPU budget: the calling thread's CPU clock
 * ({@link ThreadMXBean#getCurrentThreadCpuTime()}), read around one handled event in {@link
 * #ONE_IN} and charged that many times over. Wall-clock time would charge the probe for what is not
 * its work: waiting for the application logger's lock, being descheduled on a busy host. A probe's
 * first {@link #WARM_UP_EVENTS} events are not charged: they pay once for class loading, the
 * application logger's set-up and the template's caches.
 *
 * <p>Only the paths that already do real work per event use it (log, capture, callers); counting
 * and timing probes never read a clock for their budget. Where the JVM has no thread CPU clock,
 * wall-clock time stands in.
 */
final class CpuSampler {
  static final int ONE_IN = 8;
  static final int WARM_UP_EVENTS = 16;

  /** The token for a call that is not measured. */
  static final long NOT_SAMPLED = Long.MIN_VALUE;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_CLOCK = cpuClock();

  private CpuSampler() {}

  /** The start of a measured call, or {@link #NOT_SAMPLED}. */
  static long start(Probe probe) {
    if (probe.unchargedEvents.get() > 0 && probe.unchargedEvents.getAndDecrement() > 0) {
      return NOT_SAMPLED;
    }
    if (ThreadLocalRandom.current().nextInt(ONE_IN) != 0) {
      return NOT_SAMPLED;
    }
    return now();
  }

  /** Charges the probe for a measured call, weighted for the calls not measured. */
  static void stop(Probe probe, long start) {
    if (start != NOT_SAMPLED) {
      probe.ownNanos.add(Math.max(0, now() - start) * ONE_IN);
    }
  }

  static boolean measuresCpu() {
    return CPU_CLOCK;
  }

  private static long now() {
    return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private static boolean cpuClock() {
    try {
      return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    } catch (RuntimeException unsupported) {
      return false;
    }
  }
}

package dev.jlive.agent.expression;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on an expression's running time that holds even for code the read-only check did not
 * prove (under {@code --allow-side-effects}), or for a proven one on huge values: once calls run
 * too long, the expression stops running at all, and each later call fails at once.
 *
 * <p>Each call costs two reads of the caller's clock (the probe engine's coarse clock: one volatile
 * read each, a millisecond's precision against thresholds of 20 ms and more). Wall time alone would
 * count a thread that was descheduled or paused by the GC, so a call over {@link #SLOW_NANOS} only
 * arms a measurement of the thread's CPU time for the calls that follow; a call counts as slow when
 * it used more CPU than that, or ran over {@link #RUNAWAY_NANOS} in all (blocked). {@link
 * #SLOW_CALLS} slow calls stop the expression. A call that never returns cannot be stopped (the JVM
 * has no safe way to stop a thread), which is why the check refuses loops and blocking calls unless
 * the user accepts that risk.
 */
public final class RunawayGuard {
  /** Far above what reading a few fields takes. */
  public static final long SLOW_NANOS = 20_000_000L;

  public static final int SLOW_CALLS = 3;
  public static final long RUNAWAY_NANOS = 1_000_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final String what;
  private final AtomicInteger slowCalls = new AtomicInteger();
  private volatile boolean measuringCpu;
  private volatile Stopped stopped;

  public RunawayGuard(String what) {
    this.what = what;
  }

  /** Thrown instead of running a stopped expression; made once, without a stack trace. */
  public static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped(String message) {
      super(message, null, false, false);
    }
  }

  /** Throws when the expression was stopped; call before running it. */
  public void checkRunnable() {
    Stopped why = stopped;
    if (why != null) {
      throw why;
    }
  }

  /** The thread's CPU time now when calls are being measured, else -1; pass it to {@link #ran}. */
  public long cpuStart() {
    return measuringCpu ? THREADS.getCurrentThreadCpuTime() : -1L;
  }

  /** Records one call: its wall time and what {@link #cpuStart} returned before it. */
  public void ran(long wallNanos, long cpuStart) {
    record(wallNanos, cpuStart < 0 ? -1L : THREADS.getCurrentThreadCpuTime() - cpuStart);
  }

  /**
   * @param cpuNanos the call's CPU time, or -1 when it was not measured
   */
  void record(long wallNanos, long cpuNanos) {
    if (wallNanos <= SLOW_NANOS) {
      if (measuringCpu) {
        measuringCpu = false;
      }
      return;
    }
    boolean slow = wallNanos > RUNAWAY_NANOS || cpuNanos > SLOW_NANOS;
    measuringCpu = cpuNanos < 0 || slow;
    if (slow && stopped == null) {
      int count = slowCalls.incrementAndGet();
      if (count >= SLOW_CALLS) {
        stopped =
            new Stopped(
                what
                    + " ran too long on an application thread "
                    + count
                    + " times (over "
                    + SLOW_NANOS / 1_000_000
                    + " ms of CPU, or "
                    + RUNAWAY_NANOS / 1_000_000_000
                    + " s in all; the last took "
                    + wallNanos / 1_000_000
                    + " ms); jlive no longer runs it");
      }
    }
  }

  public boolean isStopped() {
    return stopped != null;
  }
}

package dev.jlive.agent.expression;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on an expression's running time that holds even for code the read-only check did not
 * prove (under {@code --allow-side-effects}), or for a proven one on huge values: each call is
 * timed, and once calls run too long the expression stops running at all. A call that never
 * returns cannot be stopped (the JVM has no safe way to stop a thread), which is why the check
 * refuses loops and blocking calls unless the user accepts that risk.
 */
public final class RunawayGuard {
  /** A call slower than this counts as slow: far above what reading a few fields takes. */
  public static final long SLOW_NANOS = 20_000_000L;
  /** This many slow calls stop the expression; one call over {@link #RUNAWAY_NANOS} stops it alone. */
  public static final int SLOW_CALLS = 3;
  public static final long RUNAWAY_NANOS = 1_000_000_000L;

  private final String what;
  private final AtomicInteger slowCalls = new AtomicInteger();
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

  /** Records one call's elapsed time; stops the expression when calls run too long. */
  public void ran(long elapsedNanos) {
    if (elapsedNanos <= SLOW_NANOS || stopped != null) {
      return;
    }
    int slow = slowCalls.incrementAndGet();
    if (slow >= SLOW_CALLS || elapsedNanos > RUNAWAY_NANOS) {
      stopped = new Stopped(what + " took " + elapsedNanos / 1_000_000 + " ms on an application thread (" + slow
          + " calls over " + SLOW_NANOS / 1_000_000 + " ms); jlive no longer runs it");
    }
  }

  public boolean isStopped() {
    return stopped != null;
  }
}

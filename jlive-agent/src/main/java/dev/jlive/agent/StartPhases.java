package dev.jlive.agent;

import java.util.concurrent.TimeUnit;

/**
 * Where the agent's start went, phase by phase, for its log: attach time on a busy JVM is what a
 * user waits for, and a breakdown says which part to cut (docs/BENCHMARKS.md, attach section).
 */
final class StartPhases {
  private final long startNanos;
  private final StringBuilder text = new StringBuilder();
  private long lastNanos;

  /**
   * @param launcherPhases what the launcher measured before the core was loaded, already as text
   * @param launchedNanos {@code System.nanoTime()} when the launcher was entered
   */
  StartPhases(String launcherPhases, long launchedNanos) {
    this.startNanos = launchedNanos;
    this.lastNanos = System.nanoTime();
    text.append(launcherPhases);
  }

  /** Ends the phase that ran since the last mark. */
  void mark(String phase) {
    long now = System.nanoTime();
    text.append(text.length() == 0 ? "" : ", ")
        .append(phase)
        .append(' ')
        .append(millis(now - lastNanos));
    lastNanos = now;
  }

  /** The phases, the total since the launcher was entered, and how many core classes it took. */
  String summary(int coreClassesLoaded) {
    return text
        + "; total "
        + millis(System.nanoTime() - startNanos)
        + " ms, "
        + coreClassesLoaded
        + " classes loaded by the agent's class loader";
  }

  private static String millis(long nanos) {
    return Long.toString(TimeUnit.NANOSECONDS.toMillis(nanos));
  }
}

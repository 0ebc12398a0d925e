package dev.jlive.cli.attach;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Where an attach's time went, from this JVM's start to the agent's endpoint answering, for {@code
 * jlive attach --timing}; the agent's own phases are in its log (docs/BENCHMARKS.md, attach).
 */
final class AttachPhases {
  private final StringBuilder text = new StringBuilder();
  private final long startNanos = System.nanoTime();
  private long lastNanos = startNanos;

  AttachPhases() {
    // The JVM's own start and the command line parsing ran before this: the kernel's process start
    // time (to the clock tick) says how long.
    ProcessHandle.current()
        .info()
        .startInstant()
        .ifPresent(
            started ->
                text.append("CLI JVM start to attach ")
                    .append(Duration.between(started, Instant.now()).toMillis()));
  }

  void mark(String phase) {
    long now = System.nanoTime();
    text.append(text.length() == 0 ? "" : ", ")
        .append(phase)
        .append(' ')
        .append(TimeUnit.NANOSECONDS.toMillis(now - lastNanos));
    lastNanos = now;
  }

  String summary() {
    return "attach phases (ms): "
        + text
        + "; attach total "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}

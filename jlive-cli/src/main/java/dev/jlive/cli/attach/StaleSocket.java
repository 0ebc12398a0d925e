package dev.jlive.cli.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An attach socket left behind by an earlier process with the same pid.
 *
 * <p>A JVM killed with SIGKILL leaves its {@code /tmp/.java_pid<pid>}. Once the pid is reused by
 * another JVM, the JDK finds the file, takes the listener for up and fails with "Connection
 * refused", instead of asking the new JVM to start its listener. A socket file older than the
 * process cannot be that process's: its listener makes the file after the process started. {@code
 * JLive.start()} makes the same check on its own JVM's socket, in code of its own (it may load
 * nothing of the CLI's).
 */
final class StaleSocket {
  /**
   * A process's start time is read from {@code /proc}: the boot time in whole seconds plus clock
   * ticks, so it may be off by up to a second. Only a file older by more than that is stale.
   */
  private static final Duration START_TIME_GRAIN = Duration.ofSeconds(2);

  private StaleSocket() {}

  /** {@code pid}'s attach socket if it is there and older than the process, else empty. */
  static Optional<Path> of(long pid) {
    Path socket = ListenerWatch.socketPath(pid);
    Optional<Instant> started =
        ProcessHandle.of(pid).flatMap(process -> process.info().startInstant());
    if (socket == null || started.isEmpty()) {
      return Optional.empty();
    }
    try {
      BasicFileAttributes file =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Instant made = file.lastModifiedTime().toInstant();
      // isOther: a socket, not a link or a regular file someone put there.
      boolean stale = file.isOther() && made.isBefore(started.get().minus(START_TIME_GRAIN));
      return stale ? Optional.of(socket) : Optional.empty();
    } catch (IOException absent) {
      return Optional.empty();
    }
  }

  /** Removes {@code pid}'s stale attach socket; true if there was one and it is gone. */
  static boolean remove(long pid) {
    Optional<Path> stale = of(pid);
    if (stale.isEmpty()) {
      return false;
    }
    try {
      Files.delete(stale.get());
      return true;
    } catch (IOException notOurs) {
      // Another user's file in the sticky /tmp: the caller reports it.
      return false;
    }
  }
}

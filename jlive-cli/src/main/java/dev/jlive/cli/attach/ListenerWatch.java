package dev.jlive.cli.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Wakes {@code VirtualMachine.attach} as soon as the target's attach listener is up.
 *
 * <p>Why: on Linux the JDK's attach (the same loop in 17, 21 and 25, {@code
 * sun.tools.attach.VirtualMachineImpl}) starts a JVM's attach listener by creating {@code
 * .attach_pid<pid>} and sending SIGQUIT, then sleeps 100 ms, 200 ms, 300 ms, ... between checks for
 * the listener's socket {@code /tmp/.java_pid<pid>}. A listener that is up after 5 ms costs 100 ms;
 * one that needs 110 ms on a busy host costs 300 ms. That loop ignores an interrupt of its sleep
 * and checks the socket at once, so this watcher checks the socket every {@link #POLL_MILLIS} ms
 * and interrupts the attaching thread when it appears. The JDK keeps doing everything else (the
 * attach file, the signal, containers' pid namespaces, permissions, its own error messages).
 *
 * <p>It only runs when the socket is absent before the attach: a JVM attached before keeps its
 * listener, and the JDK then never sleeps. If the interrupt reaches the attaching thread anywhere
 * but that sleep and the attach fails, {@link Attacher} attaches again without a watcher; a watcher
 * that never sees the socket (another mount namespace, a JVM that ignores attach) changes nothing.
 */
final class ListenerWatch implements AutoCloseable {
  static final long POLL_MILLIS = 2;

  /** The JDK's own limit for the listener to start ({@code sun.tools.attach.attachTimeout}). */
  private static final long GIVE_UP_MILLIS = 10_000;

  private static final ListenerWatch NONE = new ListenerWatch(null, null);

  private final Thread attaching;
  private final Thread watcher;
  private final Object lock = new Object();
  private boolean closed; // guarded by lock
  private boolean woke; // guarded by lock

  private ListenerWatch(Thread attaching, Path socket) {
    this.attaching = attaching;
    this.watcher = socket == null ? null : new Poll(this, socket);
  }

  /** A plain thread, not a lambda: one class fewer for a cold CLI JVM to spin up. */
  private static final class Poll extends Thread {
    private final ListenerWatch watch;
    private final Path socket;

    Poll(ListenerWatch watch, Path socket) {
      super("jlive-attach-listener-watch");
      this.watch = watch;
      this.socket = socket;
      setDaemon(true);
    }

    @Override
    public void run() {
      watch.watch(socket);
    }
  }

  /**
   * Starts watching for {@code pid}'s attach socket on behalf of the calling thread, which must
   * call {@link #close} once its {@code VirtualMachine.attach} returned or failed. Does nothing
   * when the socket is there already or its path cannot be told.
   */
  static ListenerWatch start(long pid) {
    Path socket = socketPath(pid);
    if (socket == null || Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return NONE;
    }
    ListenerWatch watch = new ListenerWatch(Thread.currentThread(), socket);
    watch.watcher.start();
    return watch;
  }

  /**
   * Where the JDK looks for the listener's socket: {@code /tmp/.java_pid<pid>}, or for a JVM in
   * another pid namespace (a container) {@code /proc/<pid>/root/tmp/.java_pid<its own pid>}.
   */
  static Path socketPath(long pid) {
    long namespacePid = namespacePid(pid);
    if (namespacePid <= 0) {
      return null;
    }
    return namespacePid == pid
        ? Paths.get("/tmp", ".java_pid" + pid)
        : Paths.get("/proc/" + pid + "/root/tmp", ".java_pid" + namespacePid);
  }

  /** The last {@code NSpid} entry of {@code /proc/<pid>/status}, as the JDK reads it; 0 if none. */
  private static long namespacePid(long pid) {
    try {
      for (String line :
          Files.readAllLines(Paths.get("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("NSpid:")) {
          String[] pids = line.substring("NSpid:".length()).trim().split("\\s+");
          return Long.parseLong(pids[pids.length - 1]);
        }
      }
      return pid; // An old kernel without NSpid: the JDK takes the pid as it is.
    } catch (IOException | NumberFormatException | SecurityException e) {
      return 0;
    }
  }

  private void watch(Path socket) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MILLIS);
    try {
      while (System.nanoTime() < deadline) {
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
          synchronized (lock) {
            if (!closed) {
              woke = true;
              attaching.interrupt();
            }
          }
          return;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException closedMeanwhile) {
      // close() stops the watch.
    }
  }

  /** Whether this watch interrupted the attaching thread (for {@link Attacher}'s retry). */
  boolean woke() {
    synchronized (lock) {
      return woke;
    }
  }

  /**
   * Stops the watch; called by the attaching thread. Clears that thread's interrupt if this watch
   * set it and the JDK's sleep did not take it, so that nothing later sees a stray interrupt.
   */
  @Override
  public void close() {
    if (watcher == null) {
      return;
    }
    boolean clear;
    synchronized (lock) {
      closed = true;
      clear = woke;
    }
    watcher.interrupt();
    if (clear) {
      Thread.interrupted();
    }
  }
}

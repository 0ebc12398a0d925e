package dev.jlive.agent.safepoint;

import dev.jlive.agent.inspect.VirtualThreads;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The stacks the safe point looks at: every platform thread ({@code ThreadMXBean}) and, on Java
 * 21+, every virtual thread ({@link VirtualThreads}), which the MXBean does not list. A virtual
 * thread parked inside a method of the set (sleeping, waiting for I/O) has a frame there as much as
 * a platform thread has.
 */
final class ThreadStacks {
  private ThreadStacks() {}

  /** One thread: its state is null when the JDK's dump does not say. */
  record Stack(
      long id, String name, Thread.State state, boolean virtual, List<StackTraceElement> frames) {
    String describe() {
      return "\""
          + name
          + "\""
          + (virtual
              ? " (virtual" + (state == null ? ")" : ", " + state + ")")
              : " (" + state + ")");
    }
  }

  /**
   * @throws IOException when virtual threads may exist but cannot be listed: a safe point that
   *     cannot see every frame of the set must not swap
   */
  static List<Stack> all() throws IOException {
    List<Stack> stacks = new ArrayList<>();
    long self = Thread.currentThread().getId();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
      if (info != null && info.getThreadId() != self) {
        stacks.add(
            new Stack(
                info.getThreadId(),
                info.getThreadName(),
                info.getThreadState(),
                false,
                List.of(info.getStackTrace())));
      }
    }
    if (VirtualThreads.exist() && !VirtualThreads.complete()) {
      throw new IOException(
          "this JVM runs with -Djdk.trackAllThreads=false, so a thread dump misses virtual threads "
              + "outside thread containers; patch with --safepoint immediate, or restart without that option");
    }
    for (VirtualThreads.Snapshot thread : VirtualThreads.dump()) {
      stacks.add(new Stack(thread.id(), thread.name(), thread.state(), true, thread.stack()));
    }
    return stacks;
  }
}

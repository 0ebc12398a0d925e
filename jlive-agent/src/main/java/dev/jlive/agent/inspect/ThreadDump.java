package dev.jlive.agent.inspect;

import dev.jlive.protocol.inspect.ThreadKind;
import dev.jlive.protocol.inspect.ThreadList;
import dev.jlive.protocol.inspect.ThreadSnapshot;
import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code jlive threads} shows: every thread, its state, the lock it waits for, its stack.
 * Platform threads come from {@code ThreadMXBean}; virtual threads (Java 21+), which it does not
 * list, from the JDK's thread dump ({@link VirtualThreads}).
 */
public final class ThreadDump {
  private ThreadDump() {}

  /**
   * @param grep a regular expression; only threads whose name or a stack frame matches it are kept
   * @param kind {@code all} (null too), {@code platform} or {@code virtual}
   */
  public static ThreadList capture(String grep, String kind) {
    GrepFilter filter = GrepFilter.compile(grep);
    ThreadKind wanted = ThreadKind.parse(kind);
    List<ThreadSnapshot> threads = new ArrayList<>();
    String virtualThreadsNote = null;
    if (wanted != ThreadKind.VIRTUAL) {
      for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
        if (info == null) {
          continue;
        }
        List<String> frames = frames(info);
        if (!matches(filter, info.getThreadName(), frames)) {
          continue;
        }
        LockInfo lock = info.getLockInfo();
        threads.add(
            new ThreadSnapshot(
                info.getThreadId(),
                info.getThreadName(),
                info.getThreadState().name(),
                info.isDaemon(),
                false,
                lock == null ? null : lock.toString(),
                lock == null ? null : info.getLockOwnerName(),
                frames));
      }
    }
    if (wanted != ThreadKind.PLATFORM && VirtualThreads.exist()) {
      try {
        for (VirtualThreads.Snapshot virtual : VirtualThreads.dump()) {
          List<String> frames =
              virtual.stack().stream()
                  .map(
                      frame ->
                          frame.getClassName()
                              + "."
                              + frame.getMethodName()
                              + "("
                              + location(frame)
                              + ")")
                  .toList();
          if (!matches(filter, virtual.name(), frames)) {
            continue;
          }
          threads.add(
              new ThreadSnapshot(
                  virtual.id(),
                  virtual.name(),
                  virtual.state() == null ? "UNKNOWN" : virtual.state().name(),
                  true,
                  true,
                  null,
                  null,
                  frames));
        }
        if (!VirtualThreads.complete()) {
          virtualThreadsNote =
              "-Djdk.trackAllThreads=false: virtual threads outside thread containers are not listed";
        }
      } catch (IOException e) {
        virtualThreadsNote = "virtual threads could not be listed: " + e.getMessage();
      }
    }
    return new ThreadList(threads, virtualThreadsNote);
  }

  private static boolean matches(GrepFilter filter, String name, List<String> frames) {
    return filter == null || filter.find(name) || frames.stream().anyMatch(filter::find);
  }

  private static List<String> frames(ThreadInfo info) {
    List<String> frames = new ArrayList<>();
    StackTraceElement[] stack = info.getStackTrace();
    MonitorInfo[] monitors = info.getLockedMonitors();
    for (int depth = 0; depth < stack.length; depth++) {
      StackTraceElement frame = stack[depth];
      frames.add(frame.getClassName() + "." + frame.getMethodName() + "(" + location(frame) + ")");
      for (MonitorInfo monitor : monitors) {
        if (monitor.getLockedStackDepth() == depth) {
          frames.add("  - locked " + monitor);
        }
      }
    }
    return frames;
  }

  private static String location(StackTraceElement frame) {
    if (frame.isNativeMethod()) {
      return "Native Method";
    }
    if (frame.getFileName() == null) {
      return "Unknown Source";
    }
    return frame.getLineNumber() >= 0
        ? frame.getFileName() + ":" + frame.getLineNumber()
        : frame.getFileName();
  }
}

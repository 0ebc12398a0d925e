package dev.jlive.agent.inspect;

import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;

/**
 * What {@code jlive threads} shows: every thread, its state, the lock it waits for, its stack.
 * Platform threads come from {@code ThreadMXBean}; virtual threads (Java 21+), which it does not
 * list, from the JDK's thread dump ({@link VirtualThreads}).
 */
public final class ThreadDump {
  /** Which threads to show: {@code all}, {@code platform} or {@code virtual}. */
  private static final List<String> KINDS = List.of("all", "platform", "virtual");

  private ThreadDump() {}

  /**
   * @param grep a regular expression; only threads whose name or a stack frame matches it are kept
   * @param kind {@code all} (null too), {@code platform} or {@code virtual}
   */
  public static Map<String, Object> capture(String grep, String kind) {
    GrepFilter filter = GrepFilter.compile(grep);
    String wanted = kind == null ? "all" : kind;
    if (!KINDS.contains(wanted)) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "unknown kind of thread '" + kind + "'", "use one of " + KINDS);
    }
    List<Object> threads = new ArrayList<>();
    Map<String, Object> answer = new LinkedHashMap<>();
    if (!wanted.equals("virtual")) {
      for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
        if (info == null) {
          continue;
        }
        List<String> frames = frames(info);
        if (!matches(filter, info.getThreadName(), frames)) {
          continue;
        }
        Map<String, Object> thread = new LinkedHashMap<>();
        thread.put("id", info.getThreadId());
        thread.put("name", info.getThreadName());
        thread.put("state", info.getThreadState().name());
        thread.put("daemon", info.isDaemon());
        thread.put("virtual", false);
        LockInfo lock = info.getLockInfo();
        if (lock != null) {
          thread.put("waitingOn", lock.toString());
          thread.put("lockOwner", info.getLockOwnerName());
        }
        thread.put("stack", frames);
        threads.add(thread);
      }
    }
    if (!wanted.equals("platform") && VirtualThreads.exist()) {
      try {
        for (VirtualThreads.Snapshot virtual : VirtualThreads.dump()) {
          List<String> frames = virtual.stack().stream().map(frame -> frame.getClassName() + "." + frame.getMethodName()
              + "(" + location(frame) + ")").toList();
          if (!matches(filter, virtual.name(), frames)) {
            continue;
          }
          Map<String, Object> thread = new LinkedHashMap<>();
          thread.put("id", virtual.id());
          thread.put("name", virtual.name());
          thread.put("state", virtual.state() == null ? "UNKNOWN" : virtual.state().name());
          thread.put("daemon", true);
          thread.put("virtual", true);
          thread.put("stack", frames);
          threads.add(thread);
        }
        if (!VirtualThreads.complete()) {
          answer.put("virtualThreadsNote", "-Djdk.trackAllThreads=false: virtual threads outside thread containers are not listed");
        }
      } catch (IOException e) {
        answer.put("virtualThreadsNote", "virtual threads could not be listed: " + e.getMessage());
      }
    }
    answer.put("threads", threads);
    return answer;
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
    return frame.getLineNumber() >= 0 ? frame.getFileName() + ":" + frame.getLineNumber() : frame.getFileName();
  }
}

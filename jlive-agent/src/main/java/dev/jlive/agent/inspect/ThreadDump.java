package dev.jlive.agent.inspect;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code jlive threads} shows: every thread, its state, the lock it waits for, its stack. */
public final class ThreadDump {
  private ThreadDump() {}

  /**
   * @param grep a regular expression; only threads whose name or a stack frame matches it are kept
   */
  public static Map<String, Object> capture(String grep) {
    GrepFilter filter = GrepFilter.compile(grep);
    List<Object> threads = new ArrayList<>();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      if (info == null) {
        continue;
      }
      List<String> frames = frames(info);
      if (filter != null && !filter.find(info.getThreadName()) && frames.stream().noneMatch(filter::find)) {
        continue;
      }
      Map<String, Object> thread = new LinkedHashMap<>();
      thread.put("id", info.getThreadId());
      thread.put("name", info.getThreadName());
      thread.put("state", info.getThreadState().name());
      thread.put("daemon", info.isDaemon());
      LockInfo lock = info.getLockInfo();
      if (lock != null) {
        thread.put("waitingOn", lock.toString());
        thread.put("lockOwner", info.getLockOwnerName());
      }
      thread.put("stack", frames);
      threads.add(thread);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("threads", threads);
    return answer;
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

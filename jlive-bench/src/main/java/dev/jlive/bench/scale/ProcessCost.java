package dev.jlive.bench.scale;

import dev.jlive.bench.ForkedJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a process costs, read from Linux's {@code /proc}: CPU time ({@code utime + stime} of {@code
 * /proc/PID/stat}, in clock ticks), resident memory ({@code VmRSS} of {@code /proc/PID/status}),
 * and for a JVM its heap as {@code jcmd PID GC.heap_info} shows it.
 */
final class ProcessCost {
  private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
  private static final long TICKS_PER_SECOND = ticksPerSecond();

  private ProcessCost() {}

  /** CPU time used so far (user + system), in nanoseconds. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Resident set size in KiB, or -1. */
  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** {total, used} heap in KiB from {@code jcmd PID GC.heap_info}, or null. */
  static long[] heapKib(long pid) {
    String out = jcmd(pid, "GC.heap_info");
    Matcher matcher = out == null ? null : HEAP.matcher(out);
    return matcher != null && matcher.find()
        ? new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))}
        : null;
  }

  /** A full GC in the process (so that the heap then shows what is live). */
  static void fullGc(long pid) {
    jcmd(pid, "GC.run");
  }

  /** Live threads of the process, from {@code /proc/PID/task}. */
  static int threads(long pid) {
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      return (int) tasks.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Open file descriptors of the process (sockets included). */
  static int fds(long pid) {
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The JVM's own counters ({@code jcmd PID PerfCounter.print}) whose names are in {@code names}:
   * classes loaded and the time spent loading them, the JIT's compilations and its time. Empty when
   * the process is gone or does not answer.
   */
  static Map<String, Long> perfCounters(long pid, Set<String> names) {
    Map<String, Long> counters = new HashMap<>();
    String out = jcmd(pid, "PerfCounter.print");
    if (out == null) {
      return counters;
    }
    for (String line : out.split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0 && names.contains(line.substring(0, equals))) {
        try {
          counters.put(
              line.substring(0, equals), Long.parseLong(line.substring(equals + 1).trim()));
        } catch (NumberFormatException notANumber) {
          // a string counter of the same name: not one of ours
        }
      }
    }
    return counters;
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Paths.get(ForkedJvm.javaExecutable()).resolveSibling("jcmd");
    List<String> line = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid), command));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static long ticksPerSecond() {
    try {
      Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      process.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  /** CPU of a process over a window, as a percentage of one core. */
  record Window(long pid, long startCpu, long startWall) {
    static Window start(long pid) {
      return new Window(pid, cpuNanos(pid), System.nanoTime());
    }

    double percentOfOneCore() {
      long cpu = cpuNanos(pid) - startCpu;
      long wall = System.nanoTime() - startWall;
      return 100.0 * cpu / wall;
    }

    double seconds() {
      return (System.nanoTime() - startWall) / 1e9;
    }
  }
}

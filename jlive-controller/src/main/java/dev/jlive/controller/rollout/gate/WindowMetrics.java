package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each process's fleet probes counted within one window: the cumulative metrics a process
 * reported at the window's end minus those it reported at its start. Gates judge these, never the
 * totals since a probe was added, so that a wave is judged on what happened while it baked.
 *
 * <p>A process that restarted or registered again within the window (a count went down) is left
 * out, as is one missing at either end: a difference of unrelated counters would be meaningless.
 * {@link #notes()} says which and why, so a verdict can show it.
 */
public final class WindowMetrics {
  private final Map<String, Map<String, ProbeMetrics>> perProcess;
  private final Map<String, String> leftOut;

  private WindowMetrics(
      Map<String, Map<String, ProbeMetrics>> perProcess, Map<String, String> leftOut) {
    this.perProcess = perProcess;
    this.leftOut = leftOut;
  }

  /**
   * The window between two readings of the fleet's probe metrics.
   *
   * @param start process id to (fleet change id to cumulative metrics), at the window's start
   * @param end the same at its end
   */
  public static WindowMetrics between(
      Map<String, Map<String, ProbeMetrics>> start, Map<String, Map<String, ProbeMetrics>> end) {
    Map<String, Map<String, ProbeMetrics>> perProcess = new TreeMap<>();
    Map<String, String> leftOut = new TreeMap<>();
    for (Map.Entry<String, Map<String, ProbeMetrics>> process : end.entrySet()) {
      Map<String, ProbeMetrics> before = start.get(process.getKey());
      if (before == null) {
        leftOut.put(process.getKey(), "it had not reported when the window opened");
        continue;
      }
      Map<String, ProbeMetrics> window = new TreeMap<>();
      String reset = null;
      for (Map.Entry<String, ProbeMetrics> probe : process.getValue().entrySet()) {
        ProbeMetrics earlier = before.get(probe.getKey());
        ProbeMetrics later = probe.getValue();
        if (earlier == null) {
          // The probe reached this process within the window: it counted from zero.
          window.put(probe.getKey(), later);
        } else if (wentDown(earlier, later)) {
          reset = probe.getKey();
          break;
        } else {
          window.put(probe.getKey(), minus(later, earlier));
        }
      }
      if (reset != null) {
        leftOut.put(
            process.getKey(),
            "its counts of probe "
                + reset
                + " went down within the window (it restarted or registered again)");
      } else {
        perProcess.put(process.getKey(), window);
      }
    }
    for (String process : start.keySet()) {
      if (!end.containsKey(process)) {
        leftOut.put(process, "it stopped reporting within the window");
      }
    }
    return new WindowMetrics(perProcess, leftOut);
  }

  /**
   * The probe metrics in the controller's last reports (see {@code FleetStore.processReports}), in
   * the form {@link #between} takes. An entry that does not read as probe metrics is left out.
   */
  public static Map<String, Map<String, ProbeMetrics>> reported(
      Map<String, ProcessReport> reports) {
    Map<String, Map<String, ProbeMetrics>> metrics = new TreeMap<>();
    reports.forEach(
        (process, report) -> {
          Map<String, ProbeMetrics> probes = new TreeMap<>();
          report
              .metrics()
              .forEach(
                  (change, entry) -> {
                    try {
                      probes.put(change, ProbeMetrics.fromWire(entry));
                    } catch (JLiveException notMetrics) {
                      // A newer agent's entry of another shape: no figures from it, not a failure.
                    }
                  });
          metrics.put(process, probes);
        });
    return metrics;
  }

  /** The window's metrics of each process that counts, by process id, then by change id. */
  public Map<String, Map<String, ProbeMetrics>> perProcess() {
    return perProcess;
  }

  /** Processes left out, with why. */
  public Map<String, String> leftOut() {
    return leftOut;
  }

  /** "web-2 left out: ..." for each process of {@code among} left out. */
  public List<String> notes(Collection<String> among) {
    List<String> notes = new ArrayList<>();
    leftOut.forEach(
        (process, why) -> {
          if (among.contains(process)) {
            notes.add(process + " left out: " + why);
          }
        });
    return notes;
  }

  /** Every note, for all processes. */
  public List<String> notes() {
    return notes(leftOut.keySet());
  }

  /**
   * One probe's window over a group of processes, added up as if one process had counted it all:
   * calls and exceptions add, histograms add bucket by bucket. Null when no process of the group
   * has the probe in this window.
   */
  public ProbeMetrics sum(String changeId, Set<String> processes) {
    ProbeMetrics total = null;
    for (String process : processes) {
      ProbeMetrics metrics = perProcess.getOrDefault(process, Map.of()).get(changeId);
      if (metrics != null) {
        total = total == null ? metrics : plus(total, metrics);
      }
    }
    return total;
  }

  private static boolean wentDown(ProbeMetrics earlier, ProbeMetrics later) {
    if (later.calls() < earlier.calls()) {
      return true;
    }
    if (earlier.exceptions() != null) {
      for (Map.Entry<String, Long> type : earlier.exceptions().entrySet()) {
        long now =
            later.exceptions() == null ? 0 : later.exceptions().getOrDefault(type.getKey(), 0L);
        if (now < type.getValue()) {
          return true;
        }
      }
    }
    if (earlier.latency() != null) {
      return later.latency() == null || later.latency().wentDownSince(earlier.latency());
    }
    return false;
  }

  private static ProbeMetrics minus(ProbeMetrics later, ProbeMetrics earlier) {
    Map<String, Long> exceptions = null;
    if (later.exceptions() != null) {
      exceptions = new TreeMap<>();
      for (Map.Entry<String, Long> type : later.exceptions().entrySet()) {
        long before =
            earlier.exceptions() == null ? 0 : earlier.exceptions().getOrDefault(type.getKey(), 0L);
        if (type.getValue() > before) {
          exceptions.put(type.getKey(), type.getValue() - before);
        }
      }
    }
    LatencySnapshot latency =
        later.latency() == null
            ? null
            : earlier.latency() == null
                ? later.latency()
                : later.latency().minus(earlier.latency());
    return new ProbeMetrics(
        later.id(),
        later.selector(),
        later.kind(),
        later.calls() - earlier.calls(),
        latency,
        exceptions,
        null);
  }

  private static ProbeMetrics plus(ProbeMetrics a, ProbeMetrics b) {
    Map<String, Long> exceptions = null;
    if (a.exceptions() != null || b.exceptions() != null) {
      Map<String, Long> sum = new TreeMap<>();
      if (a.exceptions() != null) {
        sum.putAll(a.exceptions());
      }
      if (b.exceptions() != null) {
        b.exceptions().forEach((type, count) -> sum.merge(type, count, Long::sum));
      }
      exceptions = sum;
    }
    LatencySnapshot latency =
        a.latency() == null
            ? b.latency()
            : b.latency() == null ? a.latency() : a.latency().plus(b.latency());
    return new ProbeMetrics(
        a.id(), a.selector(), a.kind(), a.calls() + b.calls(), latency, exceptions, null);
  }
}

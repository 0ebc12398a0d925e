package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.metrics.TimedPart;
import dev.jlive.protocol.probe.ProbeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A trace's call tree or a line profile, under the metrics table: the method's timed calls at the
 * root, then each callee or line with its calls, total and mean time and its share of the method's
 * time.
 */
final class PartsTable {
  private PartsTable() {}

  static void print(Printer printer, ProbeMetrics probe, ProbeStatus status) {
    if (probe.parts() == null) {
      return;
    }
    Object sample = status == null ? null : status.spec().get("sampleOneIn");
    String sampled =
        sample instanceof Number oneIn && oneIn.longValue() > 1
            ? ", estimated from 1 call in " + oneIn.longValue()
            : "";
    boolean lines = probe.kind().equals("lines");
    LatencySnapshot root = probe.latency();
    long rootNanos = root == null ? 0 : root.sumNanos();
    long rootCalls = root == null ? 0 : root.count();
    printer.line("");
    printer.line(
        (lines ? "time per line of " : "calls made by ")
            + probe.selector()
            + " ("
            + probe.id()
            + "): "
            + rootCalls
            + " calls, "
            + millis(rootNanos)
            + " ms in all"
            + sampled
            + (probe.parts().isEmpty() ? "; no parts seen yet" : ""));
    if (probe.parts().isEmpty()) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (TimedPart part : probe.parts()) {
      List<String> row = new ArrayList<>();
      if (!lines) {
        // A callee's own calls are indented under it (--trace-depth).
        row.add("  ".repeat(part.level()) + part.name());
      }
      row.addAll(
          List.of(
              part.line() == 0 ? "" : Integer.toString(part.line()),
              Long.toString(part.calls()),
              millis(part.nanos()),
              part.calls() == 0
                  ? ""
                  : String.format(Locale.ROOT, "%.4f", part.nanos() / 1e6 / part.calls()),
              rootNanos == 0
                  ? ""
                  : String.format(Locale.ROOT, "%.1f%%", 100.0 * part.nanos() / rootNanos)));
      rows.add(row);
    }
    List<String> headers = new ArrayList<>();
    if (!lines) {
      headers.add("CALLEE");
    }
    headers.addAll(List.of("LINE", lines ? "HITS" : "CALLS", "TOTAL ms", "MEAN ms", "SHARE"));
    printer.table(headers, rows);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}

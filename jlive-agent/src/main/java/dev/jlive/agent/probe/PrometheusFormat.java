package dev.jlive.agent.probe;

import dev.jlive.protocol.probe.ProbeSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Probe numbers in the Prometheus text exposition format (version 0.0.4): call counters for every
 * probe, and for metrics probes exception counters by type and a latency summary.
 */
final class PrometheusFormat {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  private PrometheusFormat() {}

  static String render(List<Probe> probes) {
    StringBuilder out = new StringBuilder();
    out.append("# HELP jlive_probe_calls_total Calls seen by a jlive probe.\n");
    out.append("# TYPE jlive_probe_calls_total counter\n");
    for (Probe probe : probes) {
      out.append("jlive_probe_calls_total")
          .append(labels(probe, null))
          .append(' ')
          .append(probe.hits())
          .append('\n');
    }
    out.append(
        "# HELP jlive_probe_exceptions_total Exceptions thrown out of a method with a jlive metrics probe.\n");
    out.append("# TYPE jlive_probe_exceptions_total counter\n");
    for (Probe probe : probes) {
      for (Map.Entry<String, LongAdder> entry : probe.exceptions.entrySet()) {
        out.append("jlive_probe_exceptions_total")
            .append(labels(probe, "exception=\"" + escape(entry.getKey()) + "\""))
            .append(' ')
            .append(entry.getValue().sum())
            .append('\n');
      }
    }
    out.append(
        "# HELP jlive_probe_latency_seconds Latency of calls to a method with a jlive metrics probe.\n");
    out.append("# TYPE jlive_probe_latency_seconds summary\n");
    for (Probe probe : probes) {
      if (probe.spec.kind() != ProbeSpec.Kind.METRICS) {
        continue;
      }
      for (double quantile : QUANTILES) {
        out.append("jlive_probe_latency_seconds")
            .append(labels(probe, "quantile=\"" + quantile + "\""))
            .append(' ')
            .append(seconds(probe.latency.percentile(quantile)))
            .append('\n');
      }
      out.append("jlive_probe_latency_seconds_sum")
          .append(labels(probe, null))
          .append(' ')
          .append(seconds(probe.latency.sumNanos()))
          .append('\n');
      out.append("jlive_probe_latency_seconds_count")
          .append(labels(probe, null))
          .append(' ')
          .append(probe.latency.count())
          .append('\n');
    }
    return out.toString();
  }

  private static String labels(Probe probe, String extra) {
    return "{probe=\""
        + probe.id
        + "\",selector=\""
        + escape(probe.spec.selector().toString())
        + "\",kind=\""
        + probe.spec.kind().name().toLowerCase(Locale.ROOT)
        + "\""
        + (extra == null ? "" : "," + extra)
        + "}";
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.9f", nanos / 1e9);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}

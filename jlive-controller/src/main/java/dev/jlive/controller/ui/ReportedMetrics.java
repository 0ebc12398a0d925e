package dev.jlive.controller.ui;

import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.Map;

/**
 * Where the dashboard's charts read their numbers once a second: every probe's metrics as each
 * process last reported them, so that a chart point is the interval's calls and latency added up
 * over the processes (see {@link IntervalMetrics}), not a merge that has lost the buckets. The
 * controller reads them from what its agents reported; {@code jlive ui PID} from the one agent it
 * serves.
 */
@FunctionalInterface
public interface ReportedMetrics {
  /**
   * By service name, then process, then change id: the metrics last reported. A service that cannot
   * be read is left out.
   */
  Map<String, Map<String, Map<String, ProbeMetrics>>> byService();
}

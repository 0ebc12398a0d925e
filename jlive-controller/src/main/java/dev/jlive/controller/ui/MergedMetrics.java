package dev.jlive.controller.ui;

import dev.jlive.protocol.metrics.ServiceProbeMetrics;
import java.util.List;
import java.util.Map;

/**
 * Where the dashboard's charts read their numbers once a second: every probe's metrics, merged over
 * the processes of its service. The controller reads them from what its agents reported; {@code
 * jlive ui PID} from the one agent it serves.
 */
@FunctionalInterface
public interface MergedMetrics {
  /**
   * The merged metrics of every probe, by service name; a service that cannot be read is left out.
   */
  Map<String, List<ServiceProbeMetrics>> byService();
}

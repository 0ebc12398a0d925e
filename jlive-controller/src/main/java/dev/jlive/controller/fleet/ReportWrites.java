package dev.jlive.controller.fleet;

import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessReport;
import java.util.Map;

/**
 * Which reports need a ZooKeeper write. An agent reports a reverted change once and then stops
 * carrying it; for every reader of the report (a change's status, a rollout's waves, the process
 * listing) a reverted change that is reported {@code reverted} and one that is no longer reported
 * read the same, since a change never becomes active again once reverted. Skipping that write saves
 * a third of the report writes of a rollout and its revert: one per process (docs/BENCHMARKS.md,
 * section 31).
 */
final class ReportWrites {
  private ReportWrites() {}

  /**
   * Whether {@code received} must be written, given that {@code written} is the last report of the
   * process queued for writing (null: none yet).
   */
  static boolean needed(ProcessReport written, ProcessReport received) {
    return written == null || !onlyForgetsReverted(written, received);
  }

  /**
   * Whether {@code received} says what {@code written} says, except for changes reported reverted
   * there that it no longer carries.
   */
  private static boolean onlyForgetsReverted(ProcessReport written, ProcessReport received) {
    if (!written.metrics().equals(received.metrics())
        || !written.shadows().equals(received.shadows())) {
      return false;
    }
    Map<String, ChangeReport> before = written.changes();
    Map<String, ChangeReport> now = received.changes();
    for (Map.Entry<String, ChangeReport> entry : now.entrySet()) {
      if (!entry.getValue().equals(before.get(entry.getKey()))) {
        return false;
      }
    }
    for (Map.Entry<String, ChangeReport> entry : before.entrySet()) {
      if (!now.containsKey(entry.getKey()) && entry.getValue().state() != ProcessState.REVERTED) {
        return false;
      }
    }
    return true;
  }
}

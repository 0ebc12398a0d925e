package dev.jlive.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A process that stops carrying a change it reported reverted costs no ZooKeeper write; every other
 * difference does.
 */
class ReportWritesTest {
  private static final ChangeReport APPLIED = ChangeReport.of(ProcessState.APPLIED);
  private static final ChangeReport REVERTED = ChangeReport.of(ProcessState.REVERTED);

  private static ProcessReport report(Map<String, ChangeReport> changes) {
    return new ProcessReport(changes, Map.of(), "2026-12-02T12:00:00Z");
  }

  @Test
  void forgettingAChangeReportedRevertedNeedsNoWrite() {
    ProcessReport written = report(Map.of("c1", REVERTED, "c2", APPLIED));

    assertThat(ReportWrites.needed(written, report(Map.of("c2", APPLIED)))).isFalse();
    assertThat(ReportWrites.needed(report(Map.of("c1", REVERTED)), report(Map.of()))).isFalse();
  }

  @Test
  void forgettingAChangeReportedAppliedNeedsAWrite() {
    // The control: the same drop of an entry, but one whose state the status would lose.
    ProcessReport written = report(Map.of("c1", APPLIED, "c2", APPLIED));

    assertThat(ReportWrites.needed(written, report(Map.of("c2", APPLIED)))).isTrue();
  }

  @Test
  void anyOtherDifferenceNeedsAWrite() {
    ProcessReport written = report(Map.of("c1", REVERTED));

    assertThat(ReportWrites.needed(null, report(Map.of()))).isTrue();
    assertThat(ReportWrites.needed(written, report(Map.of("c2", APPLIED)))).isTrue();
    assertThat(ReportWrites.needed(written, report(Map.of("c1", APPLIED)))).isTrue();
    assertThat(
            ReportWrites.needed(
                written,
                new ProcessReport(Map.of(), Map.of("c3", Map.of("count", 1)), written.at())))
        .isTrue();
  }
}

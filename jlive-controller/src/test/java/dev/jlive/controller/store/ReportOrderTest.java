package dev.jlive.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessReport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A report received from an agent is shown at once, and the mirror's event for the write of an
 * earlier report of the same process, arriving later (the writers lag behind the syncs at thousands
 * of processes), does not replace it: before issue 16's fleet delivery fix it did, and a change's
 * status fell back from "applied" for seconds.
 */
class ReportOrderTest {
  private static final String SERVICE = "ordered";
  @RegisterExtension static final StoreFixture fixture = new StoreFixture(SERVICE);

  private static ProcessReport report(ProcessState state, String at) {
    return new ProcessReport(Map.of("c1", ChangeReport.of(state)), Map.of(), at);
  }

  /**
   * Writes a node after everything before it and waits until the mirror has it: events are in
   * order.
   */
  private static void mirrorCaughtUp(String marker) {
    FleetStore store = fixture.store();
    store.putEphemeral(SERVICE, "reports", marker, report(ProcessState.WAITING, null).toJson());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> store.processReports(SERVICE).containsKey(marker));
  }

  @Test
  void theWriteOfAnEarlierReportDoesNotReplaceALaterOneReceived() {
    FleetStore store = fixture.store();
    ProcessReport earlier = report(ProcessState.REVERTED, "2026-12-02T07:00:00.100Z");
    ProcessReport later = report(ProcessState.APPLIED, "2026-12-02T07:00:01Z");
    store.reportReceived(SERVICE, "p1", later);
    store.putEphemeral(SERVICE, "reports", "p1", earlier.toJson());
    mirrorCaughtUp("marker-1");

    assertThat(store.processReports(SERVICE).get("p1")).isEqualTo(later);
  }

  @Test
  void theWriteOfALaterReportStillReplacesTheOneShown() {
    FleetStore store = fixture.store();
    // The control: the mirror still follows writes (another controller's, or this one's own).
    store.reportReceived(SERVICE, "p2", report(ProcessState.WAITING, "2026-12-02T07:00:00Z"));
    ProcessReport written = report(ProcessState.APPLIED, "2026-12-02T07:00:02Z");
    store.putEphemeral(SERVICE, "reports", "p2", written.toJson());
    mirrorCaughtUp("marker-2");

    assertThat(store.processReports(SERVICE).get("p2")).isEqualTo(written);
  }
}

package dev.jlive.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's listings (a change's status is built from them) are copies taken in the order of the
 * processes' ids, whatever order the nodes were written in: since section 44 of docs/BENCHMARKS.md
 * they are hash maps, no longer TreeMaps, and this pins what the TreeMap gave.
 */
class ListingOrderTest {
  private static final String SERVICE = "listed";
  @RegisterExtension static final StoreFixture fixture = new StoreFixture(SERVICE);

  private static void write(String process) {
    FleetStore store = fixture.store();
    store.putEphemeral(
        SERVICE,
        "reports",
        process,
        new ProcessReport(Map.of("c1", ChangeReport.of(ProcessState.APPLIED)), Map.of(), null)
            .toJson());
  }

  @Test
  void aListingIsInTheOrderOfTheIdsAndACopy() {
    FleetStore store = fixture.store();
    // Written out of order: a copy in the order of arrival (or a plain hash map's) would fail.
    for (String process : List.of("p3", "p1", "p10", "p2")) {
      write(process);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> store.processReports(SERVICE).size() == 4);

    Map<String, ProcessReport> listed = store.processReports(SERVICE);
    assertThat(listed.keySet()).containsExactly("p1", "p10", "p2", "p3");

    write("p0");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> store.processReports(SERVICE).containsKey("p0"));
    assertThat(listed).doesNotContainKey("p0");
    assertThat(store.processReports(SERVICE).keySet())
        .containsExactly("p0", "p1", "p10", "p2", "p3");
  }
}

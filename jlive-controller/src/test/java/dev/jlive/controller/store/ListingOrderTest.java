package dev.jlive.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store's listings (a change's status is built from them) are copies taken in the order of the
 * processes' ids, whatever order the nodes were written in: since section 44 of docs/BENCHMARKS.md
 * they are hash maps, no longer TreeMaps, and this pins what the TreeMap gave.
 */
class ListingOrderTest {
  private static final String SERVICE = "listed";
  private static TestingServer zooKeeper;
  private static FleetStore store;

  @BeforeAll
  static void start() throws Exception {
    zooKeeper = new TestingServer(true);
    store = new FleetStore(zooKeeper.getConnectString(), Duration.ofSeconds(30));
    store.start(Duration.ofSeconds(20));
    store.ensureService(SERVICE, System.currentTimeMillis());
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    zooKeeper.close();
  }

  private static void write(String process) {
    store.putEphemeral(
        SERVICE,
        "reports",
        process,
        new ProcessReport(Map.of("c1", ChangeReport.of(ProcessState.APPLIED)), Map.of(), null)
            .toJson());
  }

  @Test
  void aListingIsInTheOrderOfTheIdsAndACopy() {
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

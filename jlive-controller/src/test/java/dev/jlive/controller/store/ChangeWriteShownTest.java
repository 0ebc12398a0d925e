package dev.jlive.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A change this controller wrote is listed, and is in the desired state a sync reads, as soon as
 * the write answers: the reads come from the mirror, which follows ZooKeeper's events a moment
 * later (longer on a busy host), and before the write waited for it a list read right after the add
 * could miss the change ({@code AgentProtocolTest.aChangeIsStoredAndShownTyped} failed so once).
 * The mirror is held back here on purpose, so that "a moment later" is as long as the test needs.
 */
class ChangeWriteShownTest {
  @RegisterExtension static final StoreFixture fixture = new StoreFixture();

  @Test
  void anAddedChangeIsListedAndDesiredWhenTheWriteAnswers() {
    Shown shown = shownRightAfterAdding("shown");

    assertThat(shown.listed()).containsExactly("c1");
    assertThat(shown.desired()).containsExactly("c1");
  }

  @Test
  void withoutTheWaitTheListReadRightAfterTheWriteMissesTheChange() {
    FleetStore store = fixture.store();
    // The negative control: the same harness, the write answering before the mirror shows it.
    store.writesWaitForMirror(false);
    try {
      Shown shown = shownRightAfterAdding("missed");

      assertThat(shown.listed()).isEmpty();
    } finally {
      store.writesWaitForMirror(true);
    }
  }

  /** What the store's reads show once {@code addChange} has answered. */
  private record Shown(List<String> listed, List<String> desired) {}

  /**
   * Adds a change while the mirror's listener thread is held, and reads the change list and the
   * desired state as soon as the add answers. A write that waits for the mirror answers only after
   * the hold is let go; one that does not answers while the mirror is still held.
   */
  private static Shown shownRightAfterAdding(String service) {
    FleetStore store = fixture.store();
    store.ensureService(service, System.currentTimeMillis());
    await().atMost(Duration.ofSeconds(30)).until(() -> store.desired(service).version() == 0);
    MirrorHold hold = new MirrorHold();
    store.mirrorListeners().addListener(hold);
    try {
      // A node written before the change, so that the hold is in place before the change's events.
      store.putEphemeral(service, "reports", "marker", report().toJson());
      await().atMost(Duration.ofSeconds(30)).until(() -> hold.holding.getCount() == 0);

      CompletableFuture<FleetStore.Added> add =
          CompletableFuture.supplyAsync(
              () -> store.addChange(service, "d-" + service, number -> probe(service, number)));
      await().atMost(Duration.ofSeconds(60)).until(() -> add.isDone() || store.mirrorWaiters() > 0);
      if (!add.isDone()) {
        hold.release();
      }
      assertThat(add.join().created()).isTrue();
      Shown shown =
          new Shown(
              store.changes(service).stream().map(Change::id).toList(),
              store.desired(service).active());
      hold.release();
      return shown;
    } finally {
      hold.release();
      store.mirrorListeners().removeListener(hold);
    }
  }

  private static Change probe(String service, long number) {
    return Change.create(
        number,
        service,
        ChangeKind.PROBE,
        "count a.B#c",
        Map.of("selector", "a.B#c", "kind", "count"),
        Map.of(),
        "admin",
        "2026-12-03T00:00:00Z",
        List.of());
  }

  private static ProcessReport report() {
    return new ProcessReport(Map.of("c1", ChangeReport.of(ProcessState.WAITING)), Map.of(), null);
  }
}

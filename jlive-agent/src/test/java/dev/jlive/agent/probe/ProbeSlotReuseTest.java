package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.probe.ProbeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's table stays as large as the most sites alive at once, however many probes come
 * and go; and a call of stale woven code to a slot whose index was issued again never reaches the
 * new probe.
 */
class ProbeSlotReuseTest {
  private final CoarseClock clock = new CoarseClock(() -> false);
  private final EventLog events = new EventLog(100, EventLog.MIN_BYTES);

  private ProbeDispatcher dispatcher(long reuseAfterNanos) {
    return new ProbeDispatcher(events, (site, event) -> {}, reuseAfterNanos);
  }

  private Probe countProbe(String id) {
    return new Probe(
        id,
        ProbeSpec.fromJson(Map.of("selector", "dev.example.Shop#work", "kind", "count")),
        "test",
        (probe, why) -> {},
        clock);
  }

  private static ProbeSite site(ProbeDispatcher dispatcher, Probe probe) {
    ProbeSite site =
        new ProbeSite(dispatcher.newSlot(), probe, null, "Shop#work", null, null, null, null);
    dispatcher.put(site);
    return site;
  }

  private static void spinPast(long nanos) {
    long start = System.nanoTime();
    while (System.nanoTime() - start <= nanos) {
      Thread.onSpinWait();
    }
  }

  @Test
  void addingAndRemovingManyProbesKeepsTheTableAsLargeAsTheMostAliveAtOnce() {
    long wait = TimeUnit.MILLISECONDS.toNanos(1);
    ProbeDispatcher dispatcher = dispatcher(wait);
    for (int round = 0; round < 300; round++) {
      // Three probes alive at once, like a service with a few probes that come and go.
      List<ProbeSite> alive = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        alive.add(site(dispatcher, countProbe("p" + round + "-" + i)));
      }
      alive.forEach(site -> dispatcher.remove(site.slot()));
      spinPast(wait);
    }
    assertThat(dispatcher.slots()).isEqualTo(3);
  }

  /**
   * The negative control of the bound: while freed slots wait, new ones are issued, as before
   * reuse.
   */
  @Test
  void freedSlotsAreNotReusedBeforeTheirWaitIsOver() {
    ProbeDispatcher dispatcher = dispatcher(TimeUnit.HOURS.toNanos(1));
    for (int round = 0; round < 100; round++) {
      dispatcher.remove(site(dispatcher, countProbe("p" + round)).slot());
    }
    assertThat(dispatcher.slots()).isEqualTo(100);
  }

  @Test
  void aStaleCallToAReusedSlotDoesNotReachTheNewProbe() {
    ProbeDispatcher dispatcher = dispatcher(0);
    Probe removed = countProbe("p1");
    int staleSlot = site(dispatcher, removed).slot();
    dispatcher.timedEnter(staleSlot);
    dispatcher.remove(staleSlot);

    Probe added = countProbe("p2");
    int newSlot = site(dispatcher, added).slot();
    // The same table entry: a lookup by index alone would send the stale call to the new probe.
    assertThat(ProbeDispatcher.index(newSlot)).isEqualTo(ProbeDispatcher.index(staleSlot));
    assertThat(newSlot).isNotEqualTo(staleSlot);
    assertThat(dispatcher.slots()).isEqualTo(1);

    // A frame of the old woven code, still running, calls every entry point with the old slot.
    dispatcher.timedExit(staleSlot, System.nanoTime(), new IllegalStateException());
    assertThat(dispatcher.timedEnter(staleSlot)).isZero();
    assertThat(dispatcher.admit(staleSlot)).isZero();
    assertThat(dispatcher.enter(staleSlot, null, new Object[0])).isZero();
    dispatcher.exit(staleSlot, 1L, null, new Object[0], null, null);
    assertThat(added.hits()).isZero();
    assertThat(removed.hits()).isEqualTo(1L);

    // The new woven code reaches the new probe.
    dispatcher.timedEnter(newSlot);
    assertThat(added.hits()).isEqualTo(1L);
  }

  @Test
  void removingAFreedSlotAgainLeavesTheProbeThatReusesItsIndexInPlace() {
    ProbeDispatcher dispatcher = dispatcher(0);
    int staleSlot = site(dispatcher, countProbe("p1")).slot();
    dispatcher.remove(staleSlot);
    Probe added = countProbe("p2");
    int newSlot = site(dispatcher, added).slot();

    // A probe disabled and then removed is unwoven twice: the second removal must not take the new
    // site out.
    dispatcher.remove(staleSlot);
    dispatcher.timedEnter(newSlot);
    assertThat(added.hits()).isEqualTo(1L);
    // Nor free the index a second time, which would give it to two sites.
    assertThat(ProbeDispatcher.index(dispatcher.newSlot()))
        .isNotEqualTo(ProbeDispatcher.index(newSlot));
  }

  /**
   * A handle below 32,768 is pushed with sipush and never enters the class's constant pool, whose
   * every new constant the JVM keeps in each later version (BENCHMARKS.md section 9).
   */
  @Test
  void reusedSlotsStayOutOfTheConstantPoolAndTheirGenerationComesRoundAfter32Reuses() {
    ProbeDispatcher dispatcher = dispatcher(0);
    for (int i = 0; i < ProbeDispatcher.SMALL_INDEXES - 1; i++) {
      dispatcher.newSlot();
    }
    int first = dispatcher.newSlot();
    assertThat(ProbeDispatcher.index(first)).isEqualTo(ProbeDispatcher.SMALL_INDEXES - 1);
    int slot = first;
    int reuses = 0;
    do {
      dispatcher.remove(slot);
      slot = dispatcher.newSlot();
      assertThat(slot).isBetween(0, Short.MAX_VALUE + 0);
      reuses++;
    } while (slot != first && reuses < 10_000);
    assertThat(reuses).isEqualTo(ProbeDispatcher.SMALL_GENERATIONS);
  }

  /** Past 1,024 sites at once, handles are large and still tell generations apart. */
  @Test
  void slotsPastTheSmallOnesAreLargeAndStillReused() {
    ProbeDispatcher dispatcher = dispatcher(0);
    for (int i = 0; i < ProbeDispatcher.SMALL_INDEXES; i++) {
      dispatcher.newSlot();
    }
    int large = dispatcher.newSlot();
    assertThat(large).isGreaterThan(Short.MAX_VALUE + 0);
    assertThat(ProbeDispatcher.index(large)).isEqualTo(ProbeDispatcher.SMALL_INDEXES);
    dispatcher.remove(large);
    int again = dispatcher.newSlot();
    assertThat(ProbeDispatcher.index(again)).isEqualTo(ProbeDispatcher.SMALL_INDEXES);
    assertThat(again).isNotEqualTo(large);
    assertThat(dispatcher.slots()).isEqualTo(ProbeDispatcher.SMALL_INDEXES + 1);
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.event.ProbeEvent;
import dev.jlive.protocol.probe.ProbeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-call paths of probes and the budgets, driven directly (no JVM agent, no clock waits). */
class ProbeBudgetTest {
  private final CoarseClock clock = new CoarseClock(() -> false);
  private final List<String> disabledFor = new ArrayList<>();
  private final List<ProbeEvent> published = new ArrayList<>();
  private final EventLog events = new EventLog(100, EventLog.MIN_BYTES);
  private final ProbeDispatcher dispatcher =
      new ProbeDispatcher(events, (site, event) -> published.add(event));

  private Probe probe(Map<String, Object> body) {
    Map<String, Object> spec = new LinkedHashMap<>(body);
    spec.putIfAbsent("selector", "dev.example.Shop#work");
    return new Probe(
        "p1", ProbeSpec.fromJson(spec), "test", (probe, reason) -> disabledFor.add(reason), clock);
  }

  private ProbeSite site(Probe probe, int slot) {
    Template template =
        probe.spec.template() == null
            ? null
            : Template.parse(probe.spec.template(), List.of("x"), "work", null);
    ProbeSite site =
        new ProbeSite(slot, probe, null, "dev.example.Shop.work(int)", template, null, null, null);
    dispatcher.put(site);
    return site;
  }

  @Test
  void aHitBudgetStopsAtExactlyItsLimit() {
    Probe probe = probe(Map.of("kind", "count", "maxHits", 3));
    site(probe, 0);
    for (int i = 0; i < 5; i++) {
      dispatcher.timedEnter(0);
    }
    assertThat(probe.isActive()).isFalse();
    assertThat(probe.disabledReason())
        .isEqualTo(
            "reached its limit of 3 calls; add it again with a higher --max-hits to see more");
    assertThat(disabledFor).containsExactly(probe.disabledReason());
    // The fourth call was counted, then refused; the fifth found the probe off.
    assertThat(probe.hits()).isEqualTo(4L);
  }

  @Test
  void metricsCountEveryCallAndExceptionButTimeASample() {
    Probe probe = probe(Map.of("kind", "metrics"));
    site(probe, 1);
    int calls = 20_000;
    for (int i = 0; i < calls; i++) {
      long token = dispatcher.timedEnter(1);
      dispatcher.timedExit(1, token, i % 10 == 0 ? new IllegalStateException() : null);
    }
    assertThat(probe.hits()).isEqualTo(calls);
    assertThat(probe.exceptions.get(IllegalStateException.class.getName()).sum())
        .isEqualTo(calls / 10);
    long timed = probe.latency.timedCalls();
    // The first 256 calls of the thread are all timed, then one in 8 at random (about 2,470 here).
    assertThat(timed).isGreaterThan(Probe.EXACT_TIMINGS_PER_THREAD).isLessThan(calls / 4);
    // Each sampled timing stands for 8 calls: the histogram's count estimates all calls.
    assertThat(probe.latency.count()).isBetween(calls * 8 / 10L, calls * 12 / 10L);
    Map<String, Object> metrics = probe.metrics().toJson();
    assertThat(metrics).containsEntry("calls", (long) calls);
    @SuppressWarnings("unchecked")
    Map<String, Object> latency = (Map<String, Object>) metrics.get("latency");
    assertThat(latency)
        .containsEntry("timedCalls", timed)
        .containsKeys("buckets", "sumNanos", "maxNanos", "p99Millis");
  }

  @Test
  void timeOneInOneTimesEveryCall() {
    Probe probe = probe(Map.of("kind", "metrics", "timeOneIn", 1));
    site(probe, 2);
    for (int i = 0; i < 5_000; i++) {
      dispatcher.timedExit(2, dispatcher.timedEnter(2), null);
    }
    assertThat(probe.latency.timedCalls()).isEqualTo(5_000L);
    assertThat(probe.latency.count()).isEqualTo(5_000L);
    assertThat(probe.spec.toJson()).containsEntry("timeOneIn", 1);
  }

  @Test
  void aRateLimitedLogProbeDecidesBeforeTheArgumentsAndCountsItsDrops() {
    Probe probe =
        probe(Map.of("kind", "log", "template", "x={x}", "ratePerSecond", 2, "appLog", false));
    site(probe, 3);
    int emitted = 0;
    for (int i = 0; i < 10; i++) {
      long token = dispatcher.admit(3);
      if (token != 0L) {
        dispatcher.enterAdmitted(3, token, null, new Object[] {i});
        emitted++;
      }
    }
    // A burst of one second's worth (2 events), then drops, all at the same instant of the clock.
    assertThat(emitted).isEqualTo(2);
    assertThat(probe.hits()).isEqualTo(10L);
    assertThat(probe.dropped()).isEqualTo(8L);
    assertThat(published).extracting(ProbeEvent::message).containsExactly("x=0", "x=1");
    assertThat(probe.isActive()).isTrue();

    // A second later the limiter lets two more through.
    clock.set(clock.nanos() + 1_000_000_000L);
    assertThat(dispatcher.admit(3)).isEqualTo(ProbeDispatcher.ADMITTED);
  }

  @Test
  void droppingMoreThanTenTimesTheRateWithinASecondDisablesTheProbe() {
    Probe probe =
        probe(Map.of("kind", "log", "template", "x={x}", "ratePerSecond", 1, "appLog", false));
    site(probe, 4);
    for (int i = 0; i < 50 && probe.isActive(); i++) {
      dispatcher.admit(4);
    }
    assertThat(probe.isActive()).isFalse();
    assertThat(probe.disabledReason())
        .startsWith(
            "ran over its rate limit of 1 events/s more than 10-fold (11 events dropped within a second); ")
        .contains("--sample", "--rate");
    assertThat(probe.dropped()).isEqualTo(11L);
  }

  @Test
  void atHighRatesDropsReachTheOverflowWindowInBatchesAndTheCountStaysExact() {
    Probe probe =
        probe(Map.of("kind", "log", "template", "x={x}", "ratePerSecond", 1_000, "appLog", false));
    site(probe, 5);
    long admitted = 0;
    long calls = 0;
    while (probe.isActive() && calls < 100_000) {
      calls++;
      if (dispatcher.admit(5) != 0L) {
        admitted++;
      }
    }
    assertThat(probe.isActive()).isFalse();
    assertThat(probe.disabledReason())
        .startsWith("ran over its rate limit of 1000 events/s more than 10-fold");
    assertThat(admitted).isEqualTo(1_000L);
    assertThat(probe.dropped()).isEqualTo(calls - admitted).isBetween(10_001L, 10_001L + 512);
  }

  @Test
  void aProbeExpiresByTheCoarseClock() {
    Probe probe =
        probe(Map.of("kind", "log", "template", "x={x}", "ttlMillis", 1_000, "appLog", false));
    site(probe, 6);
    assertThat(dispatcher.admit(6)).isEqualTo(ProbeDispatcher.ADMITTED);
    clock.set(clock.nanos() + 1_000_000_001L);
    assertThat(dispatcher.admit(6)).isZero();
    assertThat(probe.disabledReason())
        .isEqualTo("expired after its time to live of 1 s; add it again with a longer --ttl");
  }

  @Test
  void aProbeWithAConditionGetsTheArgumentsFirst() {
    Probe probe = probe(Map.of("kind", "log", "template", "x={x}", "appLog", false));
    ProbeExpression never =
        ProbeExpression.condition(
            "false", new ProbeExpression.Scope(true, List.of(), null, false, false));
    dispatcher.put(
        new ProbeSite(
            7,
            probe,
            null,
            "dev.example.Shop.work(int)",
            Template.parse("x={x}", List.of("x"), "work", null),
            never,
            null,
            null));
    assertThat(dispatcher.admit(7)).isEqualTo(ProbeDispatcher.TEST_CONDITION);
  }

  @Test
  void removedOrOffProbesDoNothing() {
    assertThat(dispatcher.timedEnter(42)).isZero();
    assertThat(dispatcher.admit(42)).isZero();
    Probe probe = probe(Map.of("kind", "metrics"));
    site(probe, 8);
    probe.deactivate();
    assertThat(dispatcher.timedEnter(8)).isZero();
    assertThat(probe.hits()).isZero();
  }

  @Test
  void theClockTickerStopsWithTheEngine() {
    CoarseClock ticking = new CoarseClock(() -> true);
    ticking.start();
    long before = ticking.nanos();
    ticking.wake();
    assertThat(ticking.nanos()).isGreaterThanOrEqualTo(before);
    ticking.stop();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(thread -> thread.getName().equals("jlive-clock") && thread.isAlive());
  }
}

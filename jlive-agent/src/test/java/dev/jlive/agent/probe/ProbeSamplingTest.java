package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.event.ProbeEvent;
import dev.jlive.protocol.metrics.CallerPath;
import dev.jlive.protocol.probe.ProbeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sampling decided where it costs least: exit and exception probes on entry, before the woven code
 * builds anything; callers probes before the stack walk. Driven as the woven code drives the
 * dispatcher (see ProbeAdvice.Exit and ProbeAdvice.ExceptionExit).
 */
class ProbeSamplingTest {
  private final CoarseClock clock = new CoarseClock(() -> false);
  private final List<ProbeEvent> published = new ArrayList<>();
  private final ProbeDispatcher dispatcher =
      new ProbeDispatcher(
          new EventLog(100_000, EventLog.MIN_BYTES), (site, event) -> published.add(event));

  private Probe probe(Map<String, Object> body) {
    Map<String, Object> spec = new LinkedHashMap<>(body);
    spec.putIfAbsent("selector", "dev.example.Shop#work");
    return new Probe("p1", ProbeSpec.fromJson(spec), "test", (probe, reason) -> {}, clock);
  }

  private void site(Probe probe, int slot) {
    Template template =
        probe.spec.template() == null
            ? null
            : Template.parse(probe.spec.template(), List.of("x"), "work", null);
    dispatcher.put(
        new ProbeSite(slot, probe, null, "dev.example.Shop.work(int)", template, null, null, null));
  }

  /** What ProbeAdvice.Exit does around one call of work(x) that returns x + 1. */
  private int callExitProbe(int slot, int x) {
    long token = dispatcher.timedEnter(slot);
    if (token != 0L) {
      dispatcher.exit(slot, token, null, new Object[] {x}, x + 1, null);
      return 1;
    }
    return 0;
  }

  @Test
  void aSampledExitProbeKeepsItsShareAndDecidesBeforeTheArgumentsAreBuilt() {
    Probe probe =
        probe(
            Map.of(
                "kind",
                "log",
                "at",
                "exit",
                "template",
                "x={x} -> {return}",
                "sampleOneIn",
                100,
                "ratePerSecond",
                1_000_000,
                "appLog",
                false));
    site(probe, 0);
    int calls = 100_000;
    int built = 0;
    for (int i = 0; i < calls; i++) {
      built += callExitProbe(0, i);
    }
    // 1,000 expected; five standard deviations (about 31 each) either side.
    assertThat(built).isBetween(845, 1_155);
    assertThat(published).hasSize(built);
    assertThat(published.get(0).message()).matches("x=\\d+ -> \\d+");
    assertThat(probe.hits()).isEqualTo(calls);
    assertThat(probe.status(List.of()).sampledOut()).isEqualTo(calls - built);
  }

  @Test
  void anExitProbeWithoutElapsedNeverReadsTheClockAndOneWithItDoes() {
    Probe plain = probe(Map.of("kind", "log", "at", "exit", "template", "{return}"));
    site(plain, 1);
    assertThat(dispatcher.timedEnter(1)).isEqualTo(ProbeDispatcher.NO_START);

    Probe timed = probe(Map.of("kind", "log", "at", "exit", "template", "took {elapsed} ms"));
    site(timed, 2);
    long token = dispatcher.timedEnter(2);
    assertThat(token).isNotIn(0L, ProbeDispatcher.NO_START);
    dispatcher.exit(2, token, null, new Object[] {1}, 2, null);
    assertThat(published)
        .singleElement()
        .extracting(ProbeEvent::message)
        .asString()
        .matches("took \\d+\\.\\d{3} ms");
  }

  @Test
  void anExceptionProbeReportsOnlyCallsThatThrew() {
    Probe probe = probe(Map.of("kind", "log", "at", "exception", "template", "{thrown}"));
    site(probe, 3);
    for (int i = 0; i < 10; i++) {
      long token = dispatcher.timedEnter(3);
      // ProbeAdvice.ExceptionExit calls exit only when the call threw.
      if (token != 0L && i % 5 == 0) {
        dispatcher.exit(3, token, null, new Object[] {i}, null, new IllegalStateException("no"));
      }
    }
    assertThat(published).hasSize(2);
    assertThat(probe.hits()).isEqualTo(10L);
  }

  @Test
  void aCallersProbeWalksEachThreadsFirstCallsThenOneIn64AndWeighsThem() {
    Probe probe = probe(Map.of("kind", "callers"));
    site(probe, 4);
    int calls = 64_000;
    for (int i = 0; i < calls; i++) {
      dispatcher.timedEnter(4);
    }
    long counted = probe.metrics().callers().stream().mapToLong(CallerPath::calls).sum();
    long walks = calls - probe.status(List.of()).sampledOut();
    // 256 exact walks, then about (64,000 - 256) / 64 = 996 sampled ones.
    assertThat(walks).isBetween(256L + 850, 256L + 1_150);
    assertThat(counted).isEqualTo(256 + (walks - 256) * ProbeSpec.DEFAULT_CALLERS_SAMPLE_ONE_IN);
    assertThat(counted).isBetween(calls * 85 / 100L, calls * 115 / 100L);
  }

  @Test
  void aCallersProbeWithSampleOneWalksEveryCall() {
    Probe probe = probe(Map.of("kind", "callers", "sampleOneIn", 1));
    site(probe, 5);
    for (int i = 0; i < 1_000; i++) {
      dispatcher.timedEnter(5);
    }
    assertThat(probe.status(List.of()).sampledOut()).isEqualTo(0L);
  }
}

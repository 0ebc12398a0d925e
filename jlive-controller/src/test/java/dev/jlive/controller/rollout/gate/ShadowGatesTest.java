package dev.jlive.controller.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.rollout.GateResult;
import dev.jlive.protocol.rollout.Verdict;
import dev.jlive.protocol.shadow.ShadowReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14: gates on the shadow that runs before a patch rollout's first wave. */
class ShadowGatesTest {
  private static final List<String> GATES =
      List.of("shadow.unexpected == 0", "errors <= 2 * control + 0.02");

  @Test
  void shadowFiguresParseAndAreKeptApartFromTheWavesGates() {
    assertThat(Gate.parse("shadow.unexpected == 0").readsShadow()).isTrue();
    assertThat(Gate.parse("shadow.compared >= 1000").readsShadow()).isTrue();
    assertThat(Gate.parse("p99 <= 50ms").readsShadow()).isFalse();
    assertThat(new ShadowGates(GATES, 200).any()).isTrue();
    assertThat(new ShadowGates(List.of("p99 <= 50ms"), 200).any()).isFalse();
    // The waves judge the other gate only.
    assertThat(new HealthGates(GATES.stream().map(Gate::parse).toList(), 200, "c2").gates())
        .extracting(Gate::text)
        .containsExactly("errors <= 2 * control + 0.02");
  }

  @Test
  void aMisspelledFigureOrAMixedGateIsRefused() {
    JLiveException typo =
        catchThrowableOfType(JLiveException.class, () -> Gate.parse("shadow.unexpectd == 0"));
    assertThat(typo.getMessage())
        .contains("unknown shadow figure 'shadow.unexpectd' (did you mean 'shadow.unexpected'?)");
    JLiveException mixed =
        catchThrowableOfType(
            JLiveException.class, () -> Gate.parse("shadow.unexpected <= calls * 0.01"));
    assertThat(mixed.getMessage()).contains("not both");
  }

  @Test
  void tooFewComparedCallsWaitThenTheFiguresDecide() {
    ShadowGates gates = new ShadowGates(GATES, 200);
    assertThat(gates.judge(null, 0).outcome()).isEqualTo(Verdict.Outcome.WAITING);
    Verdict few = gates.judge(report(150, 0), 2);
    assertThat(few.outcome()).isEqualTo(Verdict.Outcome.WAITING);
    assertThat(few.results().get(0).explanation())
        .isEqualTo("waiting for shadowed calls: 150 of 200 compared");

    Verdict clean = gates.judge(report(1_000, 0), 2);
    assertThat(clean.outcome()).isEqualTo(Verdict.Outcome.PASS);

    // The negative control: the same gate on a report with unexpected differences fails.
    Verdict wrong = gates.judge(report(1_000, 37), 2);
    assertThat(wrong.outcome()).isEqualTo(Verdict.Outcome.FAIL);
    GateResult result = wrong.results().get(0);
    assertThat(result.canary()).isEqualTo(37.0);
    assertThat(result.explanation())
        .isEqualTo(
            "shadow.unexpected 37 != 0 over 1,000 compared calls of 2 process(es); e.g."
                + " discountedPrice(long, int) with [500, 3]: original 1500, candidate 1350"
                + " (on shop-2)");
  }

  private static ShadowReport report(long compared, long unexpected) {
    return new ShadowReport(
        "c3",
        "running",
        null,
        "rollout of c2",
        List.of("Pricing#discountedPrice(long, int)"),
        1,
        "quantity == 10",
        true,
        Instant.EPOCH,
        Instant.EPOCH,
        compared,
        compared,
        compared - unexpected,
        0,
        unexpected,
        0,
        0,
        List.of(),
        0,
        List.of(),
        0,
        null,
        1,
        1,
        1,
        1,
        unexpected == 0
            ? List.of()
            : List.of(
                new ShadowReport.Example(
                    "discountedPrice(long, int)",
                    "[500, 3]",
                    "1500",
                    "1350",
                    List.of("$"),
                    false,
                    unexpected,
                    "shop-2")));
  }
}

package dev.jlive.controller.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.controller.rollout.gate.Term.Group;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 13: the gate language, and its refusals with the character they are at. */
class GateTest {

  private static String refused(String gate) {
    JLiveException e = catchThrowableOfType(JLiveException.class, () -> Gate.parse(gate));
    assertThat(e).as(gate).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.hint()).contains("p99 <= 1.2 * control + 2ms").contains("exceptions.TYPE");
    return e.getMessage();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "errors <= 1.1 * control",
        "errors <= 1.1 * control + 0.001",
        "p99 <= 1.2 * control + 2ms",
        "probe:c7.p99 <= 50ms",
        "probe:c7.p99 <= 1.2 * control",
        "exceptions.IllegalStateException == 0",
        "exceptions.java.lang.IllegalStateException <= control",
        "calls >= 500",
        "mean < (control + 1ms) * 1.5",
        "p50 <= control - -3 us",
        "max <= 2s",
        "errors <= 1%",
        "p90<=1.5*control+5ms",
        "p99 - p50 <= 20 ms",
      })
  void goodGatesParse(String text) {
    assertThat(Gate.parse(text).text()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "p99 <= 1.2 * contrl | unknown metric 'contrl' (did you mean 'control'?) at character 14",
        "p99 <= 1.2 * control + 2 | cannot add a number to a duration; give it a unit, e.g. 2ms at character 22",
        "p99 <= 50 | it compares a duration with a number; give the right side a unit, e.g. 50ms at character 5",
        "errors <= 1.1 * control + 2ms | cannot add a duration to a number at character 25",
        "p99 1.2 | expected a comparison (<=, <, >=, >, ==) at character 5",
        "p99 | it needs a comparison at character 4",
        "p99 <= | it ends where a metric, a number or '(' should come at character 7",
        "p99 <= (control + 2ms | the '(' here is not closed at character 8",
        "p99 <= control <= 2ms | a gate has one comparison; give several --gate options instead at character 16",
        "p99 <= 2sec | 'sec' is not a unit; use ms, us or s at character 9",
        "p99 <= 1.2.3ms | '1.2.3' is not a number at character 8",
        "control >= p99 | 'control' belongs on the right side, e.g. 'p99 <= 1.2 * control' at character 1",
        "5 >= control | 'control' is the left side's metric over the control group, and the left side has no metric at character 6",
        "p99 - p50 <= control | 'control' is the left side's metric over the control group, and the left side has several; give one metric on the left at character 14",
        "probe:7.p99 <= 50ms | '7' is not a fleet change id; write probe:cN.METRIC, e.g. probe:c7.p99 at character 7",
        "probe:c7 <= 50ms | probe:c7 needs a metric, e.g. probe:c7.p99 at character 1",
        "probe:c7.p999 <= 50ms | unknown metric 'p999' (did you mean 'p99'?) at character 10",
        "p99 * p50 <= 5ms | cannot multiply two durations at character 5",
        "p99 <= 5ms # | unexpected '#' at character 12",
        "p99 <= 5ms ; drop table | unexpected ';' at character 12",
      })
  void badGatesAreRefusedAtTheirCharacter(String gate, String why) {
    assertThat(refused(gate)).isEqualTo("gate '" + gate + "': " + why);
  }

  @Test
  void emptyAndOverlongGatesAreRefused() {
    assertThat(refused("  ")).isEqualTo("the gate is empty");
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> Gate.parse("p99 <= " + "1+".repeat(200) + "1ms"));
    assertThat(e.getMessage()).isEqualTo("the gate has 410 characters; at most 300 are allowed");
  }

  @Test
  void deepParenthesesAreRefusedWithoutDeepRecursion() {
    String gate = "p99 <= " + "(".repeat(25) + "1ms" + ")".repeat(25);
    assertThat(refused(gate)).endsWith("more than 20 nested parentheses at character 28");
  }

  @Test
  void controlCharactersInAGateAreShownEscaped() {
    assertThat(refused("p99 <= 5ms\n\u001b[2J"))
        .contains("\\n\\u001b[2J")
        .contains("unexpected '\\u001b' at character 12");
  }

  @Test
  void aGateSaysWhatItReads() {
    Gate gate = Gate.parse("probe:c7.p99 <= 1.2 * control + probe:c9.p50");
    assertThat(gate.probeIds()).containsExactly("c7", "c9");
    assertThat(gate.readsControl()).isTrue();
    assertThat(gate.readsAutomaticProbe()).isFalse();
    assertThat(Gate.parse("errors <= 1%").readsControl()).isFalse();
    assertThat(Gate.parse("errors <= 1%").readsAutomaticProbe()).isTrue();
  }

  @Test
  void unitsAndPrecedenceComputeAsWritten() {
    Term.Figures none = (probe, group) -> metrics(100, 4);
    // 1 s = 1000 ms, 500 us = 0.5 ms, 2 + 3 * 4 = 14, (2 + 3) * 4 = 20.
    assertThat(Gate.parse("calls * 1ms <= 1s + 500us").evaluate(none, "c1").limit())
        .isEqualTo(1000.5);
    assertThat(Gate.parse("calls <= 2 + 3 * 4").evaluate(none, "c1").limit()).isEqualTo(14);
    assertThat(Gate.parse("calls <= (2 + 3) * 4").evaluate(none, "c1").limit()).isEqualTo(20);
    assertThat(Gate.parse("calls <= 10 - 2 - 3").evaluate(none, "c1").limit()).isEqualTo(5);
    assertThat(Gate.parse("errors <= 5%").evaluate(none, "c1").limit()).isEqualTo(0.05);
    assertThat(Gate.parse("errors <= 5%").evaluate(none, "c1").canary()).isEqualTo(0.04);
  }

  @Test
  void controlReadsTheLeftSidesMetricOverTheControlGroup() {
    Term.Figures figures =
        (probe, group) -> group == Group.CANARY ? metrics(1000, 30) : metrics(2000, 20);
    Gate.Evaluation evaluation =
        Gate.parse("errors <= 1.1 * control + 0.001").evaluate(figures, "c3");
    assertThat(evaluation.canary()).isEqualTo(0.03);
    assertThat(evaluation.control()).isEqualTo(0.01);
    assertThat(evaluation.limit()).isEqualTo(0.012, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(evaluation.holds()).isFalse();
    assertThat(evaluation.explanation()).isEqualTo("errors 3% > 1.1 × control 1% + 0.1% = 1.2%");
  }

  @Test
  void exceptionsOfOneTypeMatchTheSimpleOrFullName() {
    ProbeMetrics metrics =
        new ProbeMetrics(
            "p1",
            "a.B#c",
            "metrics",
            100,
            null,
            Map.of(
                "java.lang.IllegalStateException", 3L,
                "com.acme.Cart$Refused", 2L,
                "com.acme.OtherIllegalStateException", 7L),
            null);
    assertThat(Metric.EXCEPTIONS.of(metrics, "IllegalStateException")).isEqualTo(3);
    assertThat(Metric.EXCEPTIONS.of(metrics, "java.lang.IllegalStateException")).isEqualTo(3);
    assertThat(Metric.EXCEPTIONS.of(metrics, "Cart.Refused")).isEqualTo(2);
    assertThat(Metric.EXCEPTIONS.of(metrics, "com.acme.Cart$Refused")).isEqualTo(2);
    assertThat(Metric.EXCEPTIONS.of(metrics, null)).isEqualTo(12);
    assertThat(Metric.ERRORS.of(metrics, null)).isEqualTo(0.12);
  }

  private static ProbeMetrics metrics(long calls, long exceptions) {
    return new ProbeMetrics(
        "p1",
        "a.B#c",
        "metrics",
        calls,
        null,
        exceptions == 0 ? Map.of() : Map.of("java.lang.IllegalStateException", exceptions),
        null);
  }
}

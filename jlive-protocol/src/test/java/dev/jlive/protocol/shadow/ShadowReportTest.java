package dev.jlive.protocol.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 14: one shadow report for a service, merged from its processes' own. */
class ShadowReportTest {

  @Test
  void mergingAddsCountsWeighsLatenciesAndKeepsWhereEachExampleCameFrom() {
    Map<String, ShadowReport> byProcess = new LinkedHashMap<>();
    byProcess.put(
        "web-1", report("expired", 100, 90, 10, 0, 2.0, 5.0, example("[1, 10]", true, 10)));
    byProcess.put(
        "web-2",
        report(
            "running",
            300,
            280,
            15,
            5,
            4.0,
            9.0,
            example("[2, 10]", true, 15),
            example("[3, 2]", false, 5)));

    ShadowReport merged = ShadowReport.merge("c4", fromWire(byProcess));

    assertThat(merged.id()).isEqualTo("c4");
    assertThat(merged.state()).isEqualTo("running");
    assertThat(merged.compared()).isEqualTo(400);
    assertThat(merged.equal()).isEqualTo(370);
    assertThat(merged.expectedDifferences()).isEqualTo(25);
    assertThat(merged.unexpectedDifferences()).isEqualTo(5);
    // (2.0 * 100 + 4.0 * 300) / 400
    assertThat(merged.originalMeanMicros()).isEqualTo(3.5);
    assertThat(merged.originalMaxMicros()).isEqualTo(9.0);
    // Unexpected first; the same kind of difference from two processes counted once, with the
    // process it came from first.
    assertThat(merged.examples())
        .extracting(ShadowReport.Example::process, ShadowReport.Example::calls)
        .containsExactly(tuple("web-2", 5L), tuple("web-1", 25L));
    assertThat(ShadowReport.merge("c4", Map.of())).isNull();
  }

  /** Through the wire, as the controller reads what the syncs carried. */
  private static Map<String, ShadowReport> fromWire(Map<String, ShadowReport> reports) {
    Map<String, ShadowReport> read = new LinkedHashMap<>();
    reports.forEach((process, report) -> read.put(process, ShadowReport.fromWire(report.toJson())));
    return read;
  }

  private static ShadowReport.Example example(String arguments, boolean expected, long calls) {
    return new ShadowReport.Example(
        "discountedPrice(long, int)", arguments, "1", "2", List.of("$"), expected, calls);
  }

  private static ShadowReport report(
      String state,
      long compared,
      long equal,
      long expected,
      long unexpected,
      double meanMicros,
      double maxMicros,
      ShadowReport.Example... examples) {
    return new ShadowReport(
        "s1",
        state,
        null,
        "admin via controller",
        List.of("Pricing#discountedPrice(long, int)"),
        1,
        "quantity == 10",
        true,
        Instant.parse("2026-12-02T03:00:00Z"),
        Instant.parse("2026-12-02T03:10:00Z"),
        compared,
        compared,
        equal,
        expected,
        unexpected,
        0,
        0,
        List.of(),
        0,
        List.of(),
        0,
        null,
        meanMicros,
        meanMicros,
        maxMicros,
        maxMicros,
        List.of(examples));
  }
}

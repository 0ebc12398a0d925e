package dev.jlive.protocol.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.UnknownFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The metrics vocabulary: each type read from its JSON and written back the same, and each rule's
 * message.
 */
class MetricsRecordsTest {
  private static final String LATENCY =
      "{\"count\":9,\"timedCalls\":2,\"meanMillis\":0.004,\"p50Millis\":0.004,\"p90Millis\":0.004,"
          + "\"p99Millis\":0.004,\"p999Millis\":0.004,\"maxMillis\":0.004,\"sumNanos\":34000,\"maxNanos\":4000,"
          + "\"buckets\":{\"59\":1,\"75\":8}}";
  private static final String METRICS_PROBE =
      "{\"id\":\"p1\",\"selector\":\"com.acme.Shop#checkout\",\"kind\":\"metrics\",\"calls\":9,"
          + "\"latency\":"
          + LATENCY
          + ",\"exceptions\":{\"java.io.IOException\":2,\"java.lang.IllegalStateException\":1}}";
  private static final String CALLERS_PROBE =
      "{\"id\":\"p2\",\"selector\":\"com.acme.Shop#total\",\"kind\":\"callers\",\"calls\":5,"
          + "\"callers\":[{\"path\":\"Api.handle <- Server.run\",\"calls\":4},{\"path\":\"Batch.run\",\"calls\":1}]}";

  private static <T extends JsonWritable> void roundTrips(String json, Function<Object, T> reader) {
    assertThat(Json.write(reader.apply(Json.parse(json)).toJson())).isEqualTo(json);
  }

  private static String latencyWith(String field, String value) {
    Map<String, Object> json = Json.parseObject(LATENCY);
    Map<String, Object> changed = new LinkedHashMap<>(json);
    changed.put(field, Json.parse(value));
    return Json.write(changed);
  }

  @Test
  void aLatencySnapshotRoundTrips() {
    roundTrips(LATENCY, LatencySnapshot::fromWire);
  }

  @Test
  void probeMetricsOfEachKindRoundTrip() {
    roundTrips(METRICS_PROBE, ProbeMetrics::fromWire);
    roundTrips(CALLERS_PROBE, ProbeMetrics::fromWire);
    roundTrips(
        "{\"id\":\"p3\",\"selector\":\"com.acme.Shop#log\",\"kind\":\"log\",\"calls\":0}",
        ProbeMetrics::fromWire);
  }

  @Test
  void theAgentsMetricsAnswerRoundTrips() {
    roundTrips(
        "{\"probes\":[" + METRICS_PROBE + "," + CALLERS_PROBE + "]}", MetricsAnswer::fromWire);
    roundTrips("{\"probes\":[]}", MetricsAnswer::fromWire);
  }

  @Test
  void theServicesMetricsRoundTrip() {
    String merged =
        "{\"change\":\"c7\",\"selector\":\"com.acme.Shop#checkout\",\"kind\":\"metrics\",\"processes\":2,\"calls\":18,"
            + "\"latency\":{\"count\":18,\"timedCalls\":4,\"meanMillis\":0.004,\"p50Millis\":0.004,\"p90Millis\":0.004,"
            + "\"p99Millis\":0.004,\"p999Millis\":0.004,\"maxMillis\":0.004,\"sumNanos\":68000,\"maxNanos\":4000},\"exceptions\":{}}";
    String row =
        "{\"process\":\"a1\",\"host\":\"web-1\",\"pid\":11,\"change\":\"c7\",\"id\":\"p1\",\"selector\":\"com.acme.Shop#checkout\","
            + "\"kind\":\"metrics\",\"calls\":9,\"exceptions\":{}}";
    roundTrips(
        "{\"service\":\"shop\",\"merged\":[" + merged + "],\"processes\":[" + row + "]}",
        ServiceMetrics::fromWire);
  }

  @Test
  void unknownFieldsOfANewerPeerAreIgnoredAndLoggedOnce() {
    List<String> logged = new ArrayList<>();
    UnknownFields.logTo(logged::add);
    try {
      String newer = METRICS_PROBE.replace("\"calls\":9,", "\"calls\":9,\"fromMetricsTest\":1,");
      assertThat(ProbeMetrics.fromWire(Json.parse(newer)))
          .isEqualTo(ProbeMetrics.fromWire(Json.parse(METRICS_PROBE)));
      ProbeMetrics.fromWire(Json.parse(newer));
      assertThat(logged)
          .containsExactly(
              "the probe's metrics has a field this version does not know, ignored: 'fromMetricsTest'"
                  + " (the peer is probably of a newer version)");
    } finally {
      UnknownFields.logTo(null);
    }
  }

  // ---- merging ----

  @Test
  void mergedHistogramsAddBucketsCallsAndSumsAndReadPercentilesFromTheSum() {
    // Process a: 99 fast calls; process b: one slow one. Averaging their p99s would say ~0.5 ms;
    // the sum says 1 µs.
    LatencySnapshot a =
        LatencySnapshot.of(Map.of(LatencyBuckets.index(1_000), 99L), 99, 99, 99_000, 1_000);
    LatencySnapshot b =
        LatencySnapshot.of(Map.of(LatencyBuckets.index(1_000_000), 1L), 1, 1, 1_000_000, 1_000_000);

    LatencySnapshot merged = a.plus(b);

    assertThat(merged.count()).isEqualTo(100);
    assertThat(merged.timedCalls()).isEqualTo(100);
    assertThat(merged.sumNanos()).isEqualTo(1_099_000);
    assertThat(merged.maxNanos()).isEqualTo(1_000_000);
    assertThat(merged.buckets())
        .containsOnly(
            Map.entry(LatencyBuckets.index(1_000), 99L),
            Map.entry(LatencyBuckets.index(1_000_000), 1L));
    assertThat(merged.p99Millis())
        .isEqualTo(LatencySnapshot.millis(LatencyBuckets.upperBound(LatencyBuckets.index(1_000))));
    assertThat(merged.maxMillis()).isEqualTo(1.0);
    assertThat(LatencySnapshot.merge(List.of(a, b))).isEqualTo(merged);
  }

  @Test
  void theMergedMeanDividesTheWeightedSumByTheCallsItStandsFor() {
    // Sampled timing: 2 timings stand for 16 calls of 4 µs; the weighted sum is 64 µs.
    LatencySnapshot sampled =
        LatencySnapshot.of(Map.of(LatencyBuckets.index(4_000), 16L), 16, 2, 64_000, 4_000);
    LatencySnapshot merged = sampled.plus(sampled);
    assertThat(merged.meanMillis()).isEqualTo(0.004);
    // Dividing by the timings instead (what the controller did before) would say 32 µs: eight times
    // too slow.
    assertThat(LatencySnapshot.millis(merged.sumNanos() / merged.timedCalls())).isEqualTo(0.032);
  }

  @Test
  void mergingNothingGivesAnEmptyHistogramAndASideWithoutBucketsAddsNone() {
    LatencySnapshot empty = LatencySnapshot.merge(List.of());
    assertThat(empty.count()).isZero();
    assertThat(empty.p50Millis()).isZero();
    assertThat(empty.buckets()).isEmpty();

    LatencySnapshot full =
        LatencySnapshot.of(Map.of(LatencyBuckets.index(2_000), 3L), 3, 3, 6_000, 2_000);
    LatencySnapshot merged = full.plus(full.withoutBuckets());
    assertThat(merged.count()).isEqualTo(6);
    assertThat(merged.buckets()).containsOnly(Map.entry(LatencyBuckets.index(2_000), 3L));
  }

  @Test
  void aServicesProbeMetricsAddUpCallsExceptionsAndCallPaths() {
    ProbeMetrics a = ProbeMetrics.fromWire(Json.parse(METRICS_PROBE));
    ProbeMetrics b =
        new ProbeMetrics(
            "p9",
            a.selector(),
            "metrics",
            4,
            LatencySnapshot.of(Map.of(LatencyBuckets.index(4_000), 4L), 4, 4, 16_000, 4_000),
            Map.of("java.io.IOException", 1L),
            null);

    ServiceProbeMetrics merged = ServiceProbeMetrics.merge("c7", List.of(a, b));

    assertThat(merged.processes()).isEqualTo(2);
    assertThat(merged.calls()).isEqualTo(13);
    assertThat(merged.exceptions())
        .containsExactly(
            Map.entry("java.io.IOException", 3L), Map.entry("java.lang.IllegalStateException", 1L));
    assertThat(merged.latency().count()).isEqualTo(13);
    assertThat(merged.latency().buckets()).as("the merged view shows numbers only").isNull();
    assertThat(merged.callers()).isNull();

    ProbeMetrics paths1 = ProbeMetrics.fromWire(Json.parse(CALLERS_PROBE));
    ProbeMetrics paths2 =
        new ProbeMetrics(
            "p4",
            paths1.selector(),
            "callers",
            3,
            null,
            null,
            List.of(new CallerPath("Batch.run", 3)));
    ServiceProbeMetrics callers = ServiceProbeMetrics.merge("c8", List.of(paths1, paths2));
    assertThat(callers.callers())
        .containsExactly(
            new CallerPath("Api.handle <- Server.run", 4), new CallerPath("Batch.run", 4));
    assertThat(callers.latency()).isNull();
    assertThat(callers.exceptions()).isNull();
  }

  // ---- validation, one test per rule ----

  private static void refused(String json, Function<Object, ?> reader, String message) {
    assertThatThrownBy(() -> reader.apply(Json.parse(json)))
        .isInstanceOf(JLiveException.class)
        .hasMessage(message);
  }

  @Test
  void aBucketOutsideTheSharedBucketsIsRefused() {
    refused(
        latencyWith("buckets", "{\"976\":1}"),
        LatencySnapshot::fromWire,
        "the latency histogram: bucket 976 is out of range (0 to 975)");
    refused(
        latencyWith("buckets", "{\"-1\":1}"),
        LatencySnapshot::fromWire,
        "the latency histogram: bucket -1 is out of range (0 to 975)");
  }

  @Test
  void anEmptyBucketIsRefused() {
    refused(
        latencyWith("buckets", "{\"3\":0}"),
        LatencySnapshot::fromWire,
        "the latency histogram: bucket 3 must count at least 1 call, not 0");
  }

  @Test
  void aBucketKeyThatIsNoIndexIsRefused() {
    refused(
        latencyWith("buckets", "{\"three\":1}"),
        LatencySnapshot::fromWire,
        "the latency histogram: bucket 'three' is not a bucket index");
  }

  @Test
  void aBucketCountThatIsNoWholeNumberIsRefused() {
    refused(
        latencyWith("buckets", "{\"3\":1.5}"),
        LatencySnapshot::fromWire,
        "the latency histogram: bucket 3 must count a whole number of calls");
  }

  @Test
  void aHistogramWithNeitherCountNorTimedCallsIsRefused() {
    refused(
        "{\"p50Millis\":1.0}", LatencySnapshot::fromWire, "the latency histogram needs 'count'");
  }

  @Test
  void anOlderHistogramWithOneOfCountAndTimedCallsReadsTheOtherFromIt() {
    assertThat(LatencySnapshot.fromWire(Json.parse("{\"timedCalls\":4}")).count()).isEqualTo(4);
    assertThat(LatencySnapshot.fromWire(Json.parse("{\"count\":4}")).timedCalls()).isEqualTo(4);
  }

  @Test
  void negativeNumbersAreRefused() {
    refused(
        latencyWith("count", "-1"),
        LatencySnapshot::fromWire,
        "the latency histogram: 'count' must be from 0 to 9223372036854775807, not -1");
    refused(
        latencyWith("p99Millis", "-0.5"),
        LatencySnapshot::fromWire,
        "the latency histogram: 'p99Millis' must be from 0.0 to 1.7976931348623157E308, not -0.5");
    refused(
        METRICS_PROBE.replace("\"calls\":9", "\"calls\":-9"),
        ProbeMetrics::fromWire,
        "the probe's metrics: 'calls' must be from 0 to 9223372036854775807, not -9");
  }

  @Test
  void probeMetricsNeedTheirIdSelectorKindAndCalls() {
    refused(
        "{\"selector\":\"A#b\",\"kind\":\"metrics\",\"calls\":1}",
        ProbeMetrics::fromWire,
        "the probe's metrics needs 'id'");
    refused(
        "{\"id\":\"p1\",\"kind\":\"metrics\",\"calls\":1}",
        ProbeMetrics::fromWire,
        "the probe's metrics needs 'selector'");
    refused(
        "{\"id\":\"p1\",\"selector\":\"A#b\",\"calls\":1}",
        ProbeMetrics::fromWire,
        "the probe's metrics needs 'kind'");
    refused(
        "{\"id\":\"p1\",\"selector\":\"A#b\",\"kind\":\"metrics\"}",
        ProbeMetrics::fromWire,
        "the probe's metrics needs 'calls'");
  }

  @Test
  void exceptionCountsMustBeWholeNumbers() {
    refused(
        METRICS_PROBE.replace("\"java.io.IOException\":2", "\"java.io.IOException\":\"2\""),
        ProbeMetrics::fromWire,
        "the probe's metrics: exceptions: 'java.io.IOException' must be a whole number from 0 to 9223372036854775807, "
            + "not the string \"2\"");
  }

  @Test
  void aCallerPathNeedsItsPathAndCalls() {
    refused(
        CALLERS_PROBE.replace("\"path\":\"Batch.run\",", ""),
        ProbeMetrics::fromWire,
        "the probe's metrics: callers[1] needs 'path'");
    refused(
        CALLERS_PROBE.replace("\"calls\":4}", "\"calls\":-4}"),
        ProbeMetrics::fromWire,
        "the probe's metrics: callers[0]: 'calls' must be from 0 to 9223372036854775807, not -4");
  }

  @Test
  void theServicesMetricsNeedTheService() {
    refused(
        "{\"merged\":[],\"processes\":[]}",
        ServiceMetrics::fromWire,
        "the service's metrics needs 'service'");
  }

  @Test
  void aMergedEntryNeedsItsChangeAndAProcessRowItsProcess() {
    refused(
        "{\"service\":\"shop\",\"merged\":[{\"calls\":1}]}",
        ServiceMetrics::fromWire,
        "the service's metrics: merged[0] needs 'change'");
    refused(
        "{\"service\":\"shop\",\"processes\":[{\"change\":\"c1\",\"id\":\"p1\",\"selector\":\"A#b\",\"kind\":\"log\",\"calls\":1}]}",
        ServiceMetrics::fromWire,
        "the service's metrics: processes[0] needs 'process'");
  }
}

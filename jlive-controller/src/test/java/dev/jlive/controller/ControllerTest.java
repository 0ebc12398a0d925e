package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.event.FleetEvent;
import dev.jlive.protocol.event.ProbeEvent;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncBody;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller against a real ZooKeeper (Curator's TestingServer), spoken to over HTTP as agents
 * and users do.
 */
class ControllerTest {
  @RegisterExtension
  static final ControllerOnZooKeeper fixture = new ControllerOnZooKeeper(Duration.ofSeconds(1));

  /** The controller's admin, and an agent for the agent protocol. */
  private static Http http() {
    return fixture.http();
  }

  /** Registers as an agent of this version does; answers the process id. */
  static String register(String service, long pid, Map<String, String> labels) {
    RegisterBody body =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION, service, "host-a", pid, "17", "test", labels, "inst" + pid);
    Http.Answer answer = http().post(FleetApi.REGISTER, body.toJson());
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return RegisterAnswer.fromWire(answer.body()).process();
  }

  /**
   * Syncs as an agent of this version does; answers the controller's answer as it came, to check
   * its spelling too.
   */
  static Map<String, Object> sync(
      String process,
      long version,
      long waitMillis,
      Map<String, ChangeReport> changes,
      Map<String, Object> metrics) {
    SyncBody body =
        new SyncBody(
            FleetApi.PROTOCOL_VERSION,
            process,
            version,
            waitMillis,
            changes,
            metrics,
            List.of(),
            0);
    Http.Answer answer = http().post(FleetApi.SYNC, body.toJson());
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return answer.body();
  }

  static Map<String, Object> probe(String selector) {
    return Map.of("kind", "probe", "spec", Map.of("selector", selector, "kind", "metrics"));
  }

  @Test
  void aChangeReachesEveryProcessAndIsRevertedEverywhere() {
    String a = register("shop", 101, Map.of("zone", "eu"));
    String b = register("shop", 102, Map.of("zone", "us"));
    long version = ((Number) sync(a, -1, 0, Map.of(), Map.of()).get("desiredVersion")).longValue();

    // A waiting poll is answered as soon as the change is made.
    CompletableFuture<Http.Answer> waiting =
        http()
            .send(
                "POST",
                FleetApi.SYNC,
                Map.of("process", a, "desiredVersion", version, "waitMillis", 20_000));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((Number) http().get(FleetApi.HEALTH).body().get("waitingPolls")).intValue() >= 1);
    Http.Answer added = http().post(FleetApi.changes("shop"), probe("com.acme.Cart#add"));
    assertThat(added.status()).isEqualTo(201);
    String id = (String) ((Map<?, ?>) added.body().get("change")).get("id");
    Map<String, Object> delivered = waiting.join().body();
    assertThat(
            ((List<?>) delivered.get("changes"))
                .stream().map(change -> (Object) ((Map<?, ?>) change).get("id")).toList())
        .containsExactly((Object) id);
    assertThat(((Map<?, ?>) ((List<?>) delivered.get("changes")).get(0)).get("author"))
        .isEqualTo(Controller.ADMIN);

    // Sent twice, applied once.
    Http.Answer again = http().post(FleetApi.changes("shop"), probe("com.acme.Cart#add"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().get("created")).isEqualTo(false);

    // Per-process results: one applied, one not yet reported.
    // (Reports reach ZooKeeper a moment after the sync is answered.)
    sync(a, -1, 0, Map.of(id, new ChangeReport(ProcessState.APPLIED, null, "p1")), Map.of());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(states(http().get(FleetApi.change("shop", id)).body()))
                    .containsEntry(a, "applied")
                    .containsEntry(b, "pending"));
    sync(
        b,
        -1,
        0,
        Map.of(id, new ChangeReport(ProcessState.FAILED, "no class com.acme.Cart", null)),
        Map.of());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(states(http().get(FleetApi.change("shop", id)).body()))
                    .containsEntry(b, "failed"));

    // Reverted: the desired state no longer has it, and the history says who.
    Http.Answer reverted = http().delete(FleetApi.change("shop", id));
    assertThat(((Map<?, ?>) reverted.body().get("change")).get("state")).isEqualTo("reverted");
    assertThat((List<?>) sync(a, version, 0, Map.of(), Map.of()).get("changes")).isEmpty();
    List<?> history = (List<?>) http().get(FleetApi.changes("shop")).body().get("changes");
    assertThat(history)
        .anySatisfy(
            change -> {
              assertThat(((Map<?, ?>) change).get("id")).isEqualTo(id);
              assertThat(((Map<?, ?>) change).get("revertedBy")).isEqualTo(Controller.ADMIN);
            });
  }

  @Test
  void labelsChooseTheProcesses() {
    String eu = register("labelled", 201, Map.of("zone", "eu"));
    String us = register("labelled", 202, Map.of("zone", "us"));
    Map<String, Object> body = new LinkedHashMap<>(probe("com.acme.A#a"));
    body.put("where", Map.of("zone", "eu"));
    assertThat(http().post(FleetApi.changes("labelled"), body).status()).isEqualTo(201);
    assertThat((List<?>) sync(eu, -1, 0, Map.of(), Map.of()).get("changes")).hasSize(1);
    assertThat((List<?>) sync(us, -1, 0, Map.of(), Map.of()).get("changes")).isEmpty();

    body.put("where", Map.of("zone", "mars"));
    Http.Answer none = http().post(FleetApi.changes("labelled"), body);
    assertThat(none.status()).isEqualTo(409);
    assertThat(error(none)).containsEntry("code", "NO_MATCHING_PROCESS");
  }

  @Test
  void mergedMetricsAreTheSumOfTheProcesses() {
    String a = register("metered", 301, Map.of());
    String b = register("metered", 302, Map.of());
    String id =
        (String)
            ((Map<?, ?>)
                    http()
                        .post(FleetApi.changes("metered"), probe("com.acme.B#b"))
                        .body()
                        .get("change"))
                .get("id");
    // 10 calls of 1 µs and 10 of 1 ms in one process, 5 of 1 ms in the other.
    int micro = LatencyBuckets.index(1_000);
    int milli = LatencyBuckets.index(1_000_000);
    sync(
        a,
        -1,
        0,
        Map.of(),
        Map.of(
            id,
            metrics(
                20,
                Map.of(String.valueOf(micro), 10, String.valueOf(milli), 10),
                10_010_000,
                1_000_000)));
    sync(
        b,
        -1,
        0,
        Map.of(),
        Map.of(id, metrics(5, Map.of(String.valueOf(milli), 5), 5_000_000, 1_000_000)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((List<?>)
                            http()
                                .get(FleetApi.metrics("metered") + "?change=" + id)
                                .body()
                                .get("processes"))
                        .size()
                    == 2);
    Map<String, Object> answer = http().get(FleetApi.metrics("metered") + "?change=" + id).body();
    Map<?, ?> merged = (Map<?, ?>) ((List<?>) answer.get("merged")).get(0);
    assertThat(merged.get("calls")).isEqualTo(25L);
    assertThat(merged.get("processes")).isEqualTo(2L);
    Map<?, ?> latency = (Map<?, ?>) merged.get("latency");
    assertThat(latency.get("timedCalls")).isEqualTo(25L);
    // 15 of 25 calls took 1 ms: the median is in the millisecond bucket, which averaging
    // percentiles would miss.
    assertThat((Double) latency.get("p50Millis")).isBetween(0.9, 1.0);
    assertThat(((Map<?, ?>) merged.get("exceptions")).get("java.io.IOException")).isEqualTo(3L);
    assertThat((List<?>) answer.get("processes")).hasSize(2);
  }

  @Test
  void theMergedMeanCountsEveryCallASampledTimingStandsFor() {
    String a = register("sampled", 311, Map.of());
    String b = register("sampled", 312, Map.of());
    String id =
        (String)
            ((Map<?, ?>)
                    http()
                        .post(FleetApi.changes("sampled"), probe("com.acme.S#s"))
                        .body()
                        .get("change"))
                .get("id");
    // Each process timed 2 calls of 4 µs, each timing standing for 8 calls: 16 calls, a weighted
    // sum of 64 µs.
    Map<String, Object> sampled =
        new ProbeMetrics(
                "p1",
                "com.acme.S#s",
                "metrics",
                16,
                LatencySnapshot.of(Map.of(LatencyBuckets.index(4_000), 16L), 16, 2, 64_000, 4_000),
                Map.of(),
                null)
            .toJson();
    sync(a, -1, 0, Map.of(), Map.of(id, sampled));
    sync(b, -1, 0, Map.of(), Map.of(id, sampled));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((List<?>)
                            http()
                                .get(FleetApi.metrics("sampled") + "?change=" + id)
                                .body()
                                .get("processes"))
                        .size()
                    == 2);
    Map<?, ?> merged =
        (Map<?, ?>)
            ((List<?>)
                    http().get(FleetApi.metrics("sampled") + "?change=" + id).body().get("merged"))
                .get(0);
    Map<?, ?> latency = (Map<?, ?>) merged.get("latency");
    assertThat(latency.get("count")).isEqualTo(32L);
    assertThat(latency.get("timedCalls")).isEqualTo(4L);
    // The weighted sum over the calls: 4 µs. Over the timings it would be 32 µs, eight times too
    // slow.
    assertThat(latency.get("meanMillis")).isEqualTo(0.004);
  }

  @Test
  void eventsOfEveryProcessComeInOneStreamByTime() {
    String a = register("logged", 601, Map.of());
    String b = register("logged", 602, Map.of());
    String id =
        (String)
            ((Map<?, ?>)
                    http()
                        .post(FleetApi.changes("logged"), probe("com.acme.E#e"))
                        .body()
                        .get("change"))
                .get("id");
    http()
        .syncEvents(
            a,
            List.of(
                event(id, 1, "2026-11-25T10:00:01Z", "a first"),
                event(id, 2, "2026-11-25T10:00:03Z", "a second")));
    http().syncEvents(b, List.of(event(id, 1, "2026-11-25T10:00:02Z", "b first")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((List<?>)
                            http()
                                .get(FleetApi.events("logged") + "?change=" + id)
                                .body()
                                .get("events"))
                        .size()
                    == 3);
    Map<String, Object> answer = http().get(FleetApi.events("logged") + "?change=" + id).body();
    assertThat(Http.field(answer.get("events"), "message"))
        .containsExactly("a first", "b first", "a second");
    long last = ((Number) answer.get("last")).longValue();
    http().syncEvents(b, List.of(event(id, 2, "2026-11-25T10:00:04Z", "b second")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !((List<?>)
                        http()
                            .get(FleetApi.events("logged") + "?change=" + id + "&after=" + last)
                            .body()
                            .get("events"))
                    .isEmpty());
    Map<String, Object> next =
        http().get(FleetApi.events("logged") + "?change=" + id + "&after=" + last).body();
    assertThat(Http.field(next.get("events"), "message")).containsExactly("b second");
    assertThat(Http.field(next.get("events"), "pid")).containsExactly("602");
  }

  static Map<String, Object> event(String change, long seq, String time, String message) {
    return new FleetEvent(
            change,
            new ProbeEvent(
                seq,
                "p1",
                Instant.parse(time).toEpochMilli(),
                "main",
                "com.acme.E#e()",
                "entry",
                message,
                null))
        .toJson();
  }

  static Map<String, Object> metrics(
      long calls, Map<String, Object> buckets, long sumNanos, long maxNanos) {
    return Map.of(
        "id",
        "p1",
        "selector",
        "com.acme.B#b",
        "kind",
        "metrics",
        "calls",
        calls,
        "exceptions",
        Map.of("java.io.IOException", calls == 20 ? 2 : 1),
        "latency",
        Map.of("count", calls, "buckets", buckets, "sumNanos", sumNanos, "maxNanos", maxNanos));
  }

  @Test
  void badRequestsSayWhatWasWrong() {
    Http.Answer unknownService = http().post(FleetApi.changes("nosuch"), probe("a.B#c"));
    assertThat(unknownService.status()).isEqualTo(404);
    assertThat(error(unknownService)).containsEntry("code", "UNKNOWN_SERVICE");
    assertThat((String) error(unknownService).get("hint")).isNotBlank();

    register("strict", 401, Map.of());
    Http.Answer badKind =
        http().post(FleetApi.changes("strict"), Map.of("kind", "rm -rf", "spec", Map.of("x", 1)));
    assertThat(badKind.status()).isEqualTo(400);
    assertThat((String) error(badKind).get("message"))
        .contains("kind must be probe, patch or shadow");

    Http.Answer unknownChange = http().get(FleetApi.change("strict", "c999"));
    assertThat(error(unknownChange)).containsEntry("code", "UNKNOWN_CHANGE");

    Http.Answer unknownProcess =
        http().post(FleetApi.SYNC, Map.of("process", "ghost", "desiredVersion", -1));
    assertThat(error(unknownProcess)).containsEntry("code", "UNKNOWN_PROCESS");

    Http.Answer badName =
        http()
            .post(
                FleetApi.REGISTER,
                Map.of("service", "../etc", "pid", 1, "host", "h", "instance", "i"));
    assertThat(badName.status()).isEqualTo(400);

    Http.Answer noToken =
        new Http(fixture.controller().url(), "wrong-token").get(FleetApi.SERVICES);
    assertThat(noToken.status()).isEqualTo(401);
  }

  @Test
  void aProcessThatStopsSyncingLeavesTheLiveList() {
    String quiet = register("leasing", 501, Map.of());
    String polite = register("leasing", 502, Map.of());
    // The list is read from the controller's mirror of the store, which hears of a registration a
    // moment after it is answered: on a loaded box the second one was not in it yet.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(processIds("leasing")).contains(quiet, polite));
    String id =
        (String)
            ((Map<?, ?>)
                    http()
                        .post(FleetApi.changes("leasing"), probe("com.acme.L#l"))
                        .body()
                        .get("change"))
                .get("id");
    http().post(FleetApi.DEREGISTER, Map.of("process", polite));
    await().atMost(Duration.ofSeconds(20)).until(() -> !processIds("leasing").contains(quiet));
    // The silent one is unreachable for the change it never confirmed; the one that said goodbye is
    // gone from it.
    Map<Object, Object> states = states(http().get(FleetApi.change("leasing", id)).body());
    assertThat(states).containsEntry(quiet, "unreachable").doesNotContainKey(polite);
    Http.Answer answer = http().post(FleetApi.SYNC, Map.of("process", quiet, "desiredVersion", -1));
    assertThat(error(answer)).containsEntry("code", "UNKNOWN_PROCESS");
  }

  static List<Object> processIds(String service) {
    return ((List<?>) http().get(FleetApi.processes(service)).body().get("processes"))
        .stream().map(process -> ((Map<?, ?>) process).get("id")).map(Object.class::cast).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> error(Http.Answer answer) {
    return (Map<String, Object>) answer.body().get("error");
  }

  static Map<Object, Object> states(Map<String, Object> status) {
    Map<Object, Object> states = new LinkedHashMap<>();
    for (Object row : (List<?>) status.get("results")) {
      states.put(((Map<?, ?>) row).get("process"), ((Map<?, ?>) row).get("state"));
    }
    return states;
  }
}

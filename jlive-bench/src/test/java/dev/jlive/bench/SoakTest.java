package dev.jlive.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak in short: 45 seconds (-Djlive.soak.seconds to change; 90 and more still work) of load on
 * the demo after 20 seconds of warm-up, while probes of every kind come and go and a patch is
 * applied and reverted every 1.5 seconds: about 30 change cycles. No request may fail, nothing may
 * stay behind (probes, patches, or a probe dispatcher slot still in use), and what is shown to stay
 * bounded may not grow past generous limits (a loaded 2-core box), which a leak per change still
 * exceeds in 27 cycles (a loaded box's count): a thread, 40 KB of jlive's objects or 8 classes each
 * would show. Smaller leaks per cycle (the 90-second run's 60 cycles showed down to 17 KB or 4
 * classes), or one that needs minutes to show, are for the long soak of docs/BENCHMARKS.md section
 * 9 ({@code Soak --duration 1800}), not for the build. A removed probe that keeps its slot shows at
 * once, in the slots still in use; the table's length (limit 64) would show it only once more than
 * 64 probes came and went, warm-up included. The heap as a whole and metaspace are reported, not
 * judged here (see {@link Soak.Limits#BOUNDED}); nothing is timed.
 */
class SoakTest {
  @Test
  void theDemoUnderLoadAndChurnKeepsAnsweringAndDoesNotGrow() throws Exception {
    Path work =
        Files.createDirectories(
            Paths.get(System.getProperty("jlive.bench.work", "target/bench-work"))
                .toAbsolutePath());
    Soak soak =
        new Soak(
            path("jlive.agent.jar"),
            path("jlive.demo.jar"),
            path("jlive.demo.pricing"),
            Files.createTempDirectory(work, "soak"),
            8,
            1500);

    Soak.Result result =
        soak.run(20, Integer.getInteger("jlive.soak.seconds", 45), Soak.Limits.BOUNDED);

    System.out.print(result.report());
    assertThat(result.problems()).as(result.report()).isEmpty();
    assertThat(result.load().requests()).isPositive();
    assertThat(result.patchesApplied()).isPositive();
    assertThat(result.probesAdded()).isPositive();
  }

  /** The negative control of the thresholds: growth past a limit is reported as a problem. */
  @Test
  void growthPastALimitIsAProblem() {
    Soak.Footprint start = new Soak.Footprint(5000, 20, 30L << 20, 100L << 10, 40L << 20, 20);
    Soak.Footprint leaking = new Soak.Footprint(5300, 23, 55L << 20, 2000L << 10, 70L << 20, 300);
    LoadResult load = new LoadResult(180, 1000, 5.5, 0, 0, 1, 2);

    Soak.Result result =
        new Soak.Result(
            load,
            0,
            60,
            60,
            60,
            List.of(),
            0,
            List.of(),
            start,
            leaking,
            0,
            0,
            0,
            Soak.Limits.DEFAULT,
            List.of(),
            List.of(),
            List.of(),
            List.of());

    assertThat(result.problems())
        .hasSize(6)
        .anyMatch(problem -> problem.startsWith("live classes grew by 300"))
        .anyMatch(problem -> problem.startsWith("threads grew by 3"))
        .anyMatch(problem -> problem.startsWith("the probe dispatcher has 300 slots"))
        .anyMatch(problem -> problem.startsWith("jlive's own objects grew by"));
    // The test's limits judge only what is shown to stay bounded: the heap as a whole and metaspace
    // are reported.
    assertThat(
            new Soak.Result(
                    load,
                    0,
                    60,
                    60,
                    60,
                    List.of(),
                    0,
                    List.of(),
                    start,
                    leaking,
                    0,
                    0,
                    0,
                    Soak.Limits.BOUNDED,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of())
                .problems())
        .hasSize(4)
        .noneMatch(
            problem -> problem.startsWith("heap after GC") || problem.startsWith("metaspace"));
    assertThat(
            new Soak.Result(
                    load,
                    0,
                    60,
                    60,
                    60,
                    List.of(),
                    0,
                    List.of(),
                    start,
                    start,
                    0,
                    0,
                    0,
                    Soak.Limits.DEFAULT,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of())
                .problems())
        .isEmpty();
    LoadResult failing = new LoadResult(180, 1000, 5.5, 5, 0, 1, 2);
    assertThat(
            new Soak.Result(
                    failing,
                    3,
                    60,
                    60,
                    60,
                    List.of(),
                    0,
                    List.of(),
                    start,
                    start,
                    0,
                    0,
                    0,
                    Soak.Limits.DEFAULT,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of())
                .problems())
        .containsExactly("2 requests failed (besides 3 deliberate server errors of the demo)");
  }

  /** The negative control of the slots check: a slot kept after every probe went is a problem. */
  @Test
  void aProbeSlotStillInUseAfterEveryProbeWentIsAProblem() {
    Soak.Footprint same = new Soak.Footprint(5000, 20, 30L << 20, 100L << 10, 40L << 20, 20);
    LoadResult load = new LoadResult(45, 1000, 22.2, 0, 0, 1, 2);

    Soak.Result result =
        new Soak.Result(
            load,
            0,
            30,
            30,
            30,
            List.of(),
            0,
            List.of(),
            same,
            same,
            0,
            0,
            2,
            Soak.Limits.BOUNDED,
            List.of(),
            List.of(),
            List.of(),
            List.of());

    assertThat(result.problems())
        .containsExactly("2 probe dispatcher slots still in use after every probe was removed");
    assertThat(result.report()).contains("left active: 0 probes, 0 patches, 2 probe slots");
  }

  /**
   * The driver and the demo count apart: a deliberate 500 the demo logged for a request in flight
   * when the driver stopped its workers is in the log but not in the driver's errors. That made "-1
   * failed" in a report, and would have hidden an unanswered request beside it.
   */
  @Test
  void moreDeliberateErrorsLoggedThanCountedIsNoFailureAndHidesNone() {
    // The driver counted 2 answers of 500; the demo logged 3 deliberate ones.
    Soak.Result counted = withErrors(new LoadResult(45, 1000, 22.2, 2, 0, 1, 2), 3, List.of());

    assertThat(counted.failedRequests()).isZero();
    assertThat(counted.problems()).isEmpty();
    assertThat(counted.report())
        .contains("0 failed (besides 3 deliberate server errors")
        .doesNotContain("-1 failed")
        .contains("1 of the deliberate server errors the demo logged were not counted");

    // The same, but one of the driver's 3 errors is a request that got no answer: it failed,
    // whatever the demo logged.
    Soak.Unanswered timeout =
        new Soak.Unanswered(
            1_010_000L,
            10_002L,
            "POST /carts/c1/checkout",
            "timeout",
            "java.net.http.HttpTimeoutException: request timed out",
            List.of());
    Soak.Result unanswered =
        withErrors(new LoadResult(45, 1000, 22.2, 3, 0, 1, 2), 3, List.of(timeout));

    assertThat(unanswered.failedRequests()).isEqualTo(1);
    assertThat(unanswered.problems())
        .singleElement()
        .asString()
        .startsWith("1 requests failed (besides 3 deliberate server errors of the demo), e.g. ")
        .contains("POST /carts/c1/checkout: timeout");
  }

  private static Soak.Result withErrors(
      LoadResult load, int deliberateErrors, List<Soak.Unanswered> unanswered) {
    Soak.Footprint same = new Soak.Footprint(5000, 20, 30L << 20, 100L << 10, 40L << 20, 20);
    return new Soak.Result(
        load,
        deliberateErrors,
        30,
        30,
        30,
        List.of(),
        0,
        List.of(),
        same,
        same,
        0,
        0,
        0,
        Soak.Limits.BOUNDED,
        unanswered,
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void anUnansweredRequestIsShownWithTheChangesUnderWayWhileItWaited() {
    List<Soak.Activity> activities =
        List.of(
            new Soak.Activity("patch apply", 1_000_000L, 1_002_000L),
            new Soak.Activity("probe remove", 1_020_000L, 1_020_500L));
    List<Soak.Unanswered> found =
        Soak.Unanswered.in(
            List.of(
                "load elapsed=5.0 requests=10",
                "load failed at=1010000 after_ms=10002 request=POST /carts/c1/checkout reason=timeout detail=java.net.http.HttpTimeoutException: request timed out"),
            activities);

    assertThat(found).hasSize(1);
    assertThat(found.get(0).reason()).isEqualTo("timeout");
    assertThat(found.get(0).request()).isEqualTo("POST /carts/c1/checkout");
    assertThat(found.get(0).meanwhile())
        .hasSize(1)
        .allMatch(what -> what.startsWith("patch apply"));
    assertThat(found.get(0).describe())
        .contains("timeout after 10002 ms")
        .contains("HttpTimeoutException");

    List<String> retriedLine =
        List.of(
            "load retried at=1010000 after_ms=3 request=POST /carts reason=reset detail=java.io.IOException:"
                + " Data received while in pool");
    assertThat(Soak.Unanswered.in(retriedLine, activities)).isEmpty();
    assertThat(Soak.Unanswered.retriedIn(retriedLine, activities))
        .singleElement()
        .satisfies(again -> assertThat(again.detail()).contains("while in pool"));
  }

  @Test
  void jliveOwnObjectsAreToldApartInTheHistogram() {
    String before =
        String.join(
            "\n",
            "   1:          100           4800  dev.jlive.agent.change.ChangeLedger$Entry",
            "   2:         1000          40000  dev.jlive.demo.shop.Order");
    String after =
        String.join(
            "\n",
            "   1:          300          14400  dev.jlive.agent.change.ChangeLedger$Entry",
            "   2:         3000         120000  dev.jlive.demo.shop.Order",
            "   3:            1             80  [Ldev.jlive.agent.probe.ProbeSite;");

    assertThat(Soak.jliveBytes(after)).isEqualTo(14480L);
    assertThat(Soak.histogramGrowth(before, after, 8))
        .startsWith("dev.jlive.demo.shop.Order +2000 instances, +80000 bytes")
        .last()
        .asString()
        .contains("+201 instances, +9680 bytes");
  }

  @Test
  void liveClassesAreTheClassObjectsOfAHistogram() throws Exception {
    String histogram =
        String.join(
            "\n",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:         40123        3456789  [B (java.base@17.0.15)",
            "   5:          5255         627336  java.lang.Class (java.base@17.0.15)",
            "   6:           900          21600  java.lang.ClassValue$Entry (java.base@17.0.15)");

    assertThat(Soak.classMirrors(histogram)).isEqualTo(5255);
    assertThat(Soak.liveBytes(histogram + "\nTotal        264222       11575912\n"))
        .isEqualTo(11575912L);
  }

  private static Path path(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property %s (run through Maven)", property).isNotNull();
    Path path = Paths.get(value);
    assertThat(path).as("%s; build with mvn package first", path).exists();
    return path;
  }

  @Test
  void theChurnCanBeLimitedToOneKindOfChange() {
    assertThat(Soak.Changes.parse("probes").probes()).isTrue();
    assertThat(Soak.Changes.parse("probes").patches()).isFalse();
    assertThat(Soak.Changes.parse("PATCHES").probes()).isFalse();
    assertThat(Soak.Changes.parse("all").patches()).isTrue();
    assertThat(Soak.Changes.parse("none").probes()).isFalse();
    assertThat(Soak.Changes.parse("none").patches()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Soak.Changes.parse("both"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all, probes, patches or none");
  }

  @Test
  void freedMetaspaceIsReadFromVmMetaspace() {
    assertThat(
            Soak.freedMetaspace(
                "Waste (unused committed space):\n        Waste in chunks in use:    168 bytes ( <1%)\n"
                    + "Deallocated from chunks in use:      1.54 MB ( 24%) (11225 blocks)\n"))
        .isEqualTo(Math.round(1.54 * (1 << 20)));
    assertThat(
            Soak.freedMetaspace("Deallocated from chunks in use:     41.51 KB ( <1%) (172 blocks)"))
        .isEqualTo(Math.round(41.51 * 1024));
    assertThat(Soak.freedMetaspace("no such line")).isZero();
  }
}

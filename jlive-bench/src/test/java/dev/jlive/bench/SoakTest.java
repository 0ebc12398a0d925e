package dev.jlive.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The soak in short: three minutes (-Djlive.soak.seconds to change) of load on the demo while
 * probes of every kind come and go and a patch is applied and reverted every three seconds. No
 * request may fail, nothing may stay behind, and the demo JVM after full GCs may not grow past
 * generous limits (a loaded 2-core box), which a leak per change still exceeds: 60 cycles leaking
 * one class loader's worth, or a thread, each would show.
 */
class SoakTest {
  @Test
  void theDemoUnderLoadAndChurnKeepsAnsweringAndDoesNotGrow() throws Exception {
    Path work = Files.createDirectories(Paths.get(System.getProperty("jlive.bench.work", "target/bench-work")).toAbsolutePath());
    Soak soak = new Soak(path("jlive.agent.jar"), path("jlive.demo.jar"), path("jlive.demo.pricing"),
        Files.createTempDirectory(work, "soak"), 8, 3000);

    Soak.Result result = soak.run(20, Integer.getInteger("jlive.soak.seconds", 180), Soak.Limits.DEFAULT);

    System.out.print(result.report());
    assertThat(result.problems()).as(result.report()).isEmpty();
    assertThat(result.load().requests()).isPositive();
    assertThat(result.patchesApplied()).isPositive();
    assertThat(result.probesAdded()).isPositive();
  }

  /** The negative control of the thresholds: growth past a limit is reported as a problem. */
  @Test
  void growthPastALimitIsAProblem() {
    Soak.Footprint start = new Soak.Footprint(5000, 20, 30L << 20, 40L << 20);
    Soak.Footprint leaking = new Soak.Footprint(5300, 23, 55L << 20, 70L << 20);
    LoadResult load = new LoadResult(180, 1000, 5.5, 0, 0, 1, 2);

    Soak.Result result = new Soak.Result(load, 0, 60, 60, 60, List.of(), 0, List.of(), start, leaking, 0, 0,
        Soak.Limits.DEFAULT);

    assertThat(result.problems()).hasSize(4).anyMatch(problem -> problem.startsWith("live classes grew by 300"))
        .anyMatch(problem -> problem.startsWith("threads grew by 3"));
    assertThat(new Soak.Result(load, 0, 60, 60, 60, List.of(), 0, List.of(), start, start, 0, 0, Soak.Limits.DEFAULT)
        .problems()).isEmpty();
    LoadResult failing = new LoadResult(180, 1000, 5.5, 5, 0, 1, 2);
    assertThat(new Soak.Result(failing, 3, 60, 60, 60, List.of(), 0, List.of(), start, start, 0, 0, Soak.Limits.DEFAULT)
        .problems()).containsExactly("2 requests failed (besides 3 deliberate server errors of the demo)");
  }

  @Test
  void liveClassesAreTheClassObjectsOfAHistogram() throws Exception {
    String histogram = String.join("\n",
        " num     #instances         #bytes  class name (module)",
        "-------------------------------------------------------",
        "   1:         40123        3456789  [B (java.base@17.0.15)",
        "   5:          5255         627336  java.lang.Class (java.base@17.0.15)",
        "   6:           900          21600  java.lang.ClassValue$Entry (java.base@17.0.15)");

    assertThat(Soak.classMirrors(histogram)).isEqualTo(5255);
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
    Assertions.assertThatThrownBy(() -> Soak.Changes.parse("both"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("all, probes or patches");
  }

  @Test
  void freedMetaspaceIsReadFromVmMetaspace() {
    assertThat(Soak.freedMetaspace("Waste (unused committed space):\n        Waste in chunks in use:    168 bytes ( <1%)\n"
        + "Deallocated from chunks in use:      1.54 MB ( 24%) (11225 blocks)\n")).isEqualTo(Math.round(1.54 * (1 << 20)));
    assertThat(Soak.freedMetaspace("Deallocated from chunks in use:     41.51 KB ( <1%) (172 blocks)")).isEqualTo(Math.round(41.51 * 1024));
    assertThat(Soak.freedMetaspace("no such line")).isZero();
  }
}

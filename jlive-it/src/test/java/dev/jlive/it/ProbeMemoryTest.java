package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.LargeValuesApp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * jlive never hurts the application it probes: in a 64 MB JVM, probes on 1 MB values keep the JVM
 * alive, their values are cut at capture, a probe that makes too many bytes of events turns itself
 * off, and once it is gone the heap is back where it was.
 *
 * <p>The condition test runs last: compiling its expression loads javac into the target, whose
 * caches (about 2 MB) would move the heap's baseline under the other two.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeMemoryTest {
  private static final String SINK = LargeValuesApp.Sink.class.getName();

  /**
   * What the agent's event log may still hold, with the collector's noise, once a probe is removed.
   */
  private static final long HEAP_SLACK_BYTES = 1L << 20;

  private static TargetJvm app;
  private static String pid;
  private static long baseline;

  @BeforeAll
  static void start() throws Exception {
    app =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-Xmx64m")
            .javaagent("")
            .main(LargeValuesApp.class)
            .start();
    pid = Long.toString(app.pid());
    // One probe added, run, turned off, tailed and removed first: the agent's one-time structures
    // (weaving,
    // templates, the paths that turn a probe off and serve tail) are in the baseline.
    String warmUp = add(SINK + "#note", "--log", "i={i}", "--no-app-log", "--max-hits", "50");
    app.ask("note 100", "note done");
    awaitDisabled(warmUp);
    assertThat(
            jlive("tail", pid, warmUp, "--last", "3", "--count", "3", "--timeout", "20s")
                .exitCode())
        .isZero();
    assertThat(jlive("probe", "rm", pid, warmUp).exitCode()).isZero();
    baseline = heap();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @Test
  @Order(1)
  void aLogProbeOnA1MbStringKeepsTheJvmAliveCutsTheValueAndGivesTheHeapBack() throws Exception {
    String id =
        add(SINK + "#take", "--log", "payload={payload}", "--rate", "100000", "--no-app-log");
    assertThat(app.ask("big 20000", "big done")).isEqualTo("big done " + 20_000L * (1 << 20));
    assertThat(app.process().isAlive()).isTrue();
    // 20,000 events of about 600 bytes each, made within seconds: over the bound for a 64 MB heap
    // (1 MB/s).
    String reason = awaitDisabled(id);
    assertThat(reason)
        .startsWith("made ")
        .contains("of events within a second, above its bound of 1.0 MB/s", "--sample");
    // What it kept to show why holds the value cut, and says how much was left out.
    CliRun tail = jlive("tail", pid, id, "--last", "3", "--count", "3", "--timeout", "20s");
    assertThat(tail.stdout())
        .as(tail.toString())
        .contains("payload=\"xxxxxxxxxx")
        .contains("(+1048376 chars)");
    assertThat(jlive("probe", "rm", pid, id).exitCode()).isZero();
    long after = heap();
    System.out.printf(
        "heap after GC: baseline %d bytes, after the probe %d bytes%n", baseline, after);
    assertThat(after)
        .as("heap after GC %d bytes, baseline %d bytes", after, baseline)
        .isLessThan(baseline + HEAP_SLACK_BYTES);
  }

  @Test
  @Order(2)
  void aCaptureProbeOnWideObjectsOfLargeStringsStaysWithinItsBounds() throws Exception {
    String id = add(SINK + "#keep", "--capture", "--rate", "100000");
    // Each call renders two objects of forty 1 MB strings: without bounds, 10,000 such events are
    // far over 64 MB.
    assertThat(app.ask("wide 20000", "wide done")).startsWith("wide done ");
    assertThat(app.process().isAlive()).isTrue();
    assertThat(awaitDisabled(id)).startsWith("made ");
    assertThat(jlive("probe", "rm", pid, id).exitCode()).isZero();
    long after = heap();
    System.out.printf(
        "heap after GC: baseline %d bytes, after the probe %d bytes%n", baseline, after);
    assertThat(after)
        .as("heap after GC %d bytes, baseline %d bytes", after, baseline)
        .isLessThan(baseline + HEAP_SLACK_BYTES);
  }

  @Test
  @Order(3)
  void aConditionThatThrowsOnANullArgumentDisablesTheProbeSayingWhatThrewAndWhere()
      throws Exception {
    String id =
        add(SINK + "#name", "--log", "name={name}", "--when", "name.length() > 3", "--no-app-log");
    assertThat(app.ask("nulls 40", "nulls done")).startsWith("nulls done ");
    assertThat(awaitDisabled(id))
        .startsWith(
            "its condition 'name.length() > 3' threw 10 times; last: java.lang.NullPointerException")
        .contains(
            " at ", "LargeValuesApp$Sink#name(java.lang.String) called with (null)", "guard it");
    assertThat(jlive("probe", "rm", pid, id).exitCode()).isZero();
  }

  private static long heap() throws Exception {
    return Long.parseLong(app.ask("heap", "heap done").substring("heap done ".length()));
  }

  private static String add(String selector, String... options) {
    String[] args = new String[4 + options.length];
    args[0] = "probe";
    args[1] = "add";
    args[2] = pid;
    args[3] = selector;
    System.arraycopy(options, 0, args, 4, options.length);
    CliRun run = jlive(args);
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.stdout().split(" ")[1];
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> state(String id) {
    CliRun run = jlive("probe", "list", pid, "--json");
    return ((List<Map<String, Object>>) run.json().get("probes"))
        .stream().filter(probe -> probe.get("id").equals(id)).findFirst().orElseThrow();
  }

  private static String awaitDisabled(String id) {
    await().atMost(Duration.ofSeconds(30)).until(() -> state(id).get("state").equals("disabled"));
    return (String) state(id).get("reason");
  }
}

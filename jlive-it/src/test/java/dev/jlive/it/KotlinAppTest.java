package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.LiveChanges;
import dev.jlive.it.support.SuspendProbes;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.itapps.kotlin.Greeter;
import dev.jlive.itapps.kotlin.KotlinApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kotlin coroutine service jlive did not write, attached dynamically: four coroutines call the
 * suspend function {@code Greeter.greet(name, times)}, which suspends ({@code delay}) in the
 * middle, so each call runs as two invocations, the second with null arguments (Kotlin's resume
 * path).
 */
class KotlinAppTest {
  private static final String GREET = SuspendProbes.GREET;
  private static final Pattern STATS =
      Pattern.compile("stats calls=(\\d+) errors=(\\d+) last=(.*) error=(.*)");
  private static TargetJvm app;
  private static LiveChanges jlive;

  @BeforeAll
  static void start() throws Exception {
    app =
        TargetJvm.on(Jdk.JAVA_17)
            .classPath(SuspendProbes.classPath())
            .main(KotlinApp.class)
            .start();
    jlive = LiveChanges.of(app);
    jlive.attach();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    jlive.revertAll();
    assertThat(stats().errors)
        .as("calls that failed in the app; stderr: %s", app.stderr())
        .isZero();
  }

  @Test
  void aQuiescentPatchAndItsRevertOfTheSuspendFunctionUnderLoadKeepTheAppAnswering()
      throws Exception {
    Path classes = patchedGreeter("hello ", "howdy ");
    for (int round = 0; round < 3; round++) {
      CliRun patch =
          LiveChanges.succeed("patch", jlive.pid(), "--classes", classes.toString(), "--json");
      String id = (String) patch.json().get("id");
      awaitAnswersStartingWith("howdy ");
      LiveChanges.succeed("revert", jlive.pid(), id);
      awaitAnswersStartingWith("hello ");
    }
    assertThat(app.process().isAlive()).isTrue();
    long before = stats().calls;
    await().atMost(Duration.ofSeconds(30)).until(() -> stats().calls > before + 20);
    assertThat(app.stderr())
        .noneMatch(line -> line.contains("greet failed") || line.contains("Exception"));
  }

  @Test
  void aLogProbeShowsTheParameterNamesAndOneEventPerLogicalCall() throws Exception {
    // The condition would throw on a resumed invocation's null name: resumes must not reach it.
    String entry =
        jlive.probe(
            GREET,
            "--log",
            "name={name} times={times}",
            "--when",
            "name.length() == 2",
            "--rate",
            "1000",
            "--cpu",
            "100",
            "--no-app-log");
    String exit =
        jlive.probe(
            GREET,
            "--at",
            "exit",
            "--log",
            "{name} -> {returned}",
            "--rate",
            "1000",
            "--cpu",
            "100",
            "--no-app-log");

    List<Map<String, Object>> entries = jlive.tail(entry, 20);
    assertThat(entries)
        .allSatisfy(
            event ->
                assertThat((String) event.get("message")).matches("name=\"w[1-4]\" times=\\d+"));
    // Each worker's calls show once each: consecutive rounds, no repeats.
    assertThat(entries.stream().map(event -> event.get("message")).distinct().count())
        .isEqualTo(entries.size());
    List<Map<String, Object>> exits = jlive.tail(exit, 20);
    assertThat(exits)
        .allSatisfy(
            event ->
                assertThat((String) event.get("message"))
                    .matches("\"(w[1-4])\" -> \"hello \\1 x\\d+\""));
    assertThat(jlive.state(entry)).containsEntry("state", "active").containsEntry("failures", 0L);
    assertThat(jlive.state(exit)).containsEntry("state", "active").containsEntry("failures", 0L);
  }

  @Test
  void aConditionThatThrowsTurnsTheProbeOffAndSaysTheConditionThrew() throws Exception {
    String probe =
        jlive.probe(GREET, "--log", "{name}", "--when", "name.charAt(5) == 'x'", "--no-app-log");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> jlive.state(probe).get("state").equals("disabled"));
    assertThat((String) jlive.state(probe).get("reason"))
        .contains("its condition 'name.charAt(5) == 'x'' threw")
        .contains("java.lang.StringIndexOutOfBoundsException");
  }

  @Test
  void countAndMetricsSeeLogicalCallsTimedFromFirstEntryToCompletion() throws Exception {
    SuspendProbes.Counted counted = SuspendProbes.countAndTime(jlive, KotlinAppTest::appCalls);
    // The app's own count is read a CLI call apart from the probes': only roughly equal.
    assertThat((double) counted.calls() / counted.appCalls())
        .as(
            "count probe hits %d per call the app completed (%d)",
            counted.calls(), counted.appCalls())
        .isBetween(0.6, 1.4);
  }

  private void awaitAnswersStartingWith(String prefix) {
    await().atMost(Duration.ofSeconds(30)).until(() -> stats().last.startsWith(prefix));
  }

  private static long appCalls() {
    try {
      return stats().calls;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Stats(long calls, long errors, String last) {}

  private static Stats stats() throws IOException {
    Matcher matcher = STATS.matcher(app.ask("stats", "stats "));
    assertThat(matcher.matches()).isTrue();
    return new Stats(
        Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), matcher.group(3));
  }

  /**
   * Greeter's class file with the text "hello " changed in its one place (the recipe of a string
   * concatenation, which is a constant-pool entry of the same length): a new body for greet, same
   * shape.
   */
  private static Path patchedGreeter(String from, String to) throws IOException {
    byte[] bytes;
    try (InputStream in = Greeter.class.getResourceAsStream("Greeter.class")) {
      bytes = in.readAllBytes();
    }
    byte[] old = from.getBytes(StandardCharsets.UTF_8);
    byte[] replacement = to.getBytes(StandardCharsets.UTF_8);
    assertThat(replacement).hasSameSizeAs(old);
    int found = -1;
    for (int i = 0; i + old.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + old.length, old, 0, old.length)) {
        assertThat(found).as("'%s' occurs once in Greeter.class", from).isEqualTo(-1);
        found = i;
      }
    }
    assertThat(found).as("'%s' occurs in Greeter.class", from).isNotNegative();
    System.arraycopy(replacement, 0, bytes, found, replacement.length);
    Path dir = Files.createTempDirectory(Artifacts.work(), "kotlin-patch");
    Path file = dir.resolve(Greeter.class.getName().replace('.', '/') + ".class");
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return dir;
  }
}

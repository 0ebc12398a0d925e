package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.LiveChanges;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.itapps.h2.H2App;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An H2 database server (TCP mode) jlive did not write, with JDBC clients querying it over the
 * socket in the same JVM, attached dynamically. H2's jar has no parameter names (no local variable
 * tables), so the probe reads a field of {@code this} instead.
 */
class H2AppTest {
  /** Runs on the server side for every query a client sends. */
  private static final String PER_QUERY = "org.h2.command.Command#executeQuery";

  private static final Pattern STATS =
      Pattern.compile("stats queries=(\\d+) failures=(\\d+) last=(.*)");
  private static TargetJvm app;
  private static LiveChanges jlive;

  @BeforeAll
  static void start() throws Exception {
    app =
        TargetJvm.on(Jdk.JAVA_17)
            .classPath(Artifacts.classPathWith(H2App.class, Server.class))
            .main(H2App.class)
            .start();
    jlive = LiveChanges.of(app);
    jlive.attach();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @Test
  void aLogProbeOnThePerQueryMethodWhileTheClientsQuery() throws Exception {
    List<String> stderrBefore = app.stderr();
    String probe =
        jlive.probe(PER_QUERY, "--log", "sql={this.sql} maxRows={args[0]}", "--no-app-log");
    long queries = stats()[0];

    List<Map<String, Object>> events = jlive.tail(probe, 10);
    await().atMost(Duration.ofSeconds(30)).until(() -> stats()[0] > queries + 200);
    jlive.removeProbe(probe);

    assertThat(events)
        .hasSize(10)
        .allSatisfy(
            event ->
                assertThat((String) event.get("message"))
                    .isEqualTo("sql=\"SELECT name, price FROM item WHERE id = ?\" maxRows=0"));
    assertThat(stats()[1]).as("failed queries").isZero();
    // Probe output goes to jlive's event log only: the application's own output is untouched.
    assertThat(app.stderr().subList(stderrBefore.size(), app.stderr().size()))
        .noneMatch(
            line -> line.contains(probe) || line.contains("jlive") || line.contains("SELECT"));
    long after = stats()[0];
    await().atMost(Duration.ofSeconds(30)).until(() -> stats()[0] > after + 50);
    assertThat(stats()[1]).as("failed queries after the probe was removed").isZero();
  }

  /**
   * Issue 9's defect on H2: with no logging framework, a log probe printed through
   * java.util.logging's default console handler onto the server's stderr (20,000 lines). H2 sets up
   * no JUL handler of its own, so even without --no-app-log the lines go only to jlive's event
   * stream. (The control, an application that configured JUL itself and does get the lines, is
   * ProbeOutputTest.)
   */
  @Test
  void withoutNoAppLogAServerThatSetUpNoLoggingGetsNothingOnItsStderr() throws Exception {
    List<String> stderrBefore = app.stderr();
    String probe = jlive.probe(PER_QUERY, "--log", "sql={this.sql}", "--rate", "50");
    List<Map<String, Object>> events = jlive.tail(probe, 50);
    jlive.removeProbe(probe);

    assertThat(events).hasSize(50);
    assertThat(app.stderr().subList(stderrBefore.size(), app.stderr().size()))
        .noneMatch(line -> line.contains(probe) || line.contains("SELECT"));
    assertThat(stats()[1]).as("failed queries").isZero();
  }

  private static long[] stats() throws IOException {
    Matcher matcher = STATS.matcher(app.ask("stats", "stats "));
    assertThat(matcher.matches()).isTrue();
    return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
  }
}

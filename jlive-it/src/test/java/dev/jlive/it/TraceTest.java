package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.TracedApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.LiveChanges;
import dev.jlive.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --trace} and {@code --profile-lines} (issue 16) on a method whose callees and lines wait
 * known times (5 ms, and four waits of 5 ms): counts exact, times in the right ratio (generous
 * bounds: each wait overshoots on a busy box), each at the right source line, and the original
 * bytes back once the probe is removed. The control: a trace that samples no call times no part.
 */
@SuppressWarnings("unchecked")
class TraceTest {
  private static final String APP = TracedApp.class.getName();
  private static final int CALLS = 10;
  private static TargetJvm app;
  private static String pid;
  private static LiveChanges live;
  private static List<String> source;

  @BeforeAll
  static void start() throws Exception {
    app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(TracedApp.class).start();
    pid = Long.toString(app.pid());
    live = LiveChanges.of(app);
    source = Files.readAllLines(Path.of("src/test/java/dev/jlive/it/apps/TracedApp.java"));
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @AfterEach
  void removeProbes() {
    assertThat(jlive("probe", "rm", pid, "--all").exitCode()).isZero();
  }

  @Test
  void aTraceTimesEachCalleeAtItsLineAndRemovingItRestoresTheBytes() throws Exception {
    AgentHttp agent = AgentHttp.of(app.pid());
    String original = agent.digest(APP);
    String id = live.probe(APP + "#order", "--trace");
    assertThat(app.ask("order " + CALLS, "order done")).isEqualTo("order done sum=55");

    Map<String, Object> probe = live.metrics(id);
    assertThat(probe.get("calls")).isEqualTo((long) CALLS);
    Map<String, Object> fetch = part(probe, "TracedApp#fetch");
    Map<String, Object> price = part(probe, "TracedApp#price");
    assertThat(fetch.get("calls")).isEqualTo((long) CALLS);
    assertThat(price.get("calls")).isEqualTo((long) CALLS);
    assertThat(fetch.get("line")).isEqualTo(lineOf("int fetched = fetch(i);"));
    assertThat(price.get("line")).isEqualTo(lineOf("int priced = price(i);"));
    long fetchNanos = (Long) fetch.get("nanos");
    long priceNanos = (Long) price.get("nanos");
    // 50 ms and 200 ms of parking at least; price parks four times where fetch parks once. Generous
    // bounds (2.4 was seen at a load average of 31 on 2 cores), still far from a swap (0.25) or
    // an even split (1).
    assertThat(fetchNanos).isGreaterThanOrEqualTo(50_000_000L);
    assertThat((double) priceNanos / fetchNanos).isBetween(1.6, 8.0);
    long methodNanos = (Long) ((Map<String, Object>) probe.get("latency")).get("sumNanos");
    assertThat(fetchNanos + priceNanos).isLessThanOrEqualTo(methodNanos);
    assertThat((double) (fetchNanos + priceNanos) / methodNanos).isGreaterThan(0.9);
    // Depth 1 (the default): the callees' own calls are not in the tree.
    assertThat(parts(probe)).allSatisfy(part -> assertThat(part).doesNotContainKey("level"));

    CliRun table = jlive("metrics", pid, id);
    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout())
        .contains("calls made by " + APP + "#order (" + id + "): 10 calls")
        .containsPattern("TracedApp#price\\s+" + lineOf("int priced = price(i);") + "\\s+10\\s");

    assertThat(jlive("probe", "rm", pid, id).exitCode()).isZero();
    assertThat(agent.digest(APP)).isEqualTo(original);
    assertThat(app.ask("order 2", "order done")).isEqualTo("order done sum=3");
  }

  @Test
  void aLineProfileTimesEachLineAndRemovingItRestoresTheBytes() throws Exception {
    AgentHttp agent = AgentHttp.of(app.pid());
    String original = agent.digest(APP);
    String id = live.probe(APP + "#steps", "--profile-lines");
    assertThat(app.ask("steps " + CALLS, "steps done")).isEqualTo("steps done sum=55");

    Map<String, Object> probe = live.metrics(id);
    long shortLine = lineOf("// short");
    long longLine = lineOf("// long");
    Map<String, Object> shortPart = part(probe, "line " + shortLine);
    Map<String, Object> longPart = part(probe, "line " + longLine);
    Map<String, Object> returnPart = part(probe, "line " + lineOf("return total + 1;"));
    assertThat(shortPart.get("calls")).isEqualTo((long) CALLS);
    assertThat(longPart.get("calls")).isEqualTo((long) CALLS);
    assertThat(returnPart.get("calls")).isEqualTo((long) CALLS);
    long shortNanos = (Long) shortPart.get("nanos");
    long longNanos = (Long) longPart.get("nanos");
    assertThat(shortNanos).isGreaterThanOrEqualTo(50_000_000L);
    assertThat((double) longNanos / shortNanos).isBetween(1.6, 8.0);
    // A line that does no waiting gets next to nothing.
    assertThat((Long) returnPart.get("nanos")).isLessThan(shortNanos / 10);

    CliRun table = jlive("metrics", pid, id);
    assertThat(table.stdout())
        .contains("time per line of " + APP + "#steps (" + id + "): 10 calls")
        .containsPattern("\\s" + longLine + "\\s+10\\s");

    assertThat(jlive("probe", "rm", pid, id).exitCode()).isZero();
    assertThat(agent.digest(APP)).isEqualTo(original);
    assertThat(app.ask("steps 2", "steps done")).isEqualTo("steps done sum=3");
  }

  /**
   * {@code --trace-depth 2}: order's callees are woven too, so the waits they call show under each
   * of them, once per order call under fetch and four times under price. The control: fetch called
   * from outside order (as many times again) adds nothing to the tree.
   */
  @Test
  void aTraceTwoLevelsDeepTimesTheCalleesCallsOnlyInsideTheTracedMethod() throws Exception {
    AgentHttp agent = AgentHttp.of(app.pid());
    String original = agent.digest(APP);
    String id = live.probe(APP + "#order", "--trace", "--trace-depth", "2");
    assertThat(app.ask("order " + CALLS, "order done")).isEqualTo("order done sum=55");
    assertThat(app.ask("fetch " + CALLS, "fetch done")).isEqualTo("fetch done sum=45");

    List<Map<String, Object>> tree = parts(live.metrics(id));
    assertThat(tree)
        .extracting(part -> part.get("name") + "@" + part.getOrDefault("level", 0L))
        .containsExactly(
            "TracedApp#fetch@0", "TracedApp#wait5@1", "TracedApp#price@0", "TracedApp#wait5@1");
    Map<String, Object> fetch = tree.get(0);
    Map<String, Object> fetchWait = tree.get(1);
    Map<String, Object> price = tree.get(2);
    Map<String, Object> priceWait = tree.get(3);
    assertThat(fetch.get("calls")).isEqualTo((long) CALLS);
    assertThat(fetchWait.get("calls")).isEqualTo((long) CALLS);
    assertThat(priceWait.get("calls")).isEqualTo(4L * CALLS);
    assertThat(fetchWait.get("line")).isEqualTo(lineOf("return i + wait5();"));
    assertThat(priceWait.get("line")).isEqualTo(lineOf("return 1 + wait5()"));
    long fetchWaitNanos = (Long) fetchWait.get("nanos");
    long priceWaitNanos = (Long) priceWait.get("nanos");
    assertThat(fetchWaitNanos).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(fetchWaitNanos).isLessThanOrEqualTo((Long) fetch.get("nanos"));
    assertThat(priceWaitNanos).isLessThanOrEqualTo((Long) price.get("nanos"));
    assertThat((double) priceWaitNanos / fetchWaitNanos).isBetween(1.6, 8.0);

    CliRun table = jlive("metrics", pid, id);
    assertThat(table.stdout())
        .containsPattern("\\n\\s*TracedApp#price\\s.*\\n\\s*  TracedApp#wait5\\s");

    assertThat(jlive("probe", "rm", pid, id).exitCode()).isZero();
    assertThat(agent.digest(APP)).isEqualTo(original);
  }

  @Test
  void aTraceDeeperThanTheMostIsRefusedBeforeAnyConnection() {
    CliRun run = jlive("probe", "add", pid, APP + "#order", "--trace", "--trace-depth", "5");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("'traceDepth' must be from 1 to 4, not 5");
  }

  /** The negative control of the counts above: calls that sampling leaves out time no part. */
  @Test
  void callsThatSamplingLeavesOutAreNotTimed() throws Exception {
    String id = live.probe(APP + "#order", "--trace", "--sample", "1/1000000000");
    app.ask("order " + CALLS, "order done");
    Map<String, Object> probe = live.metrics(id);
    assertThat(probe.get("calls")).isEqualTo((long) CALLS);
    assertThat(part(probe, "TracedApp#fetch").get("calls")).isEqualTo(0L);
    assertThat(part(probe, "TracedApp#price").get("nanos")).isEqualTo(0L);
  }

  @Test
  void aTraceOfSeveralMethodsIsRefusedWithTheirNames() {
    CliRun run = jlive("probe", "add", pid, APP + "#*", "--trace");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("--trace times one method").contains("TracedApp#order(int)");
  }

  private static long lineOf(String text) {
    for (int i = 0; i < source.size(); i++) {
      if (source.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line with " + text);
  }

  private static List<Map<String, Object>> parts(Map<String, Object> probe) {
    return (List<Map<String, Object>>) probe.get("parts");
  }

  private static Map<String, Object> part(Map<String, Object> probe, String name) {
    return parts(probe).stream()
        .filter(part -> part.get("name").equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no part " + name + " in " + probe));
  }
}

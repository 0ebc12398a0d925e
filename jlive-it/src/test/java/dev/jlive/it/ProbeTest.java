package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.ProbeTargetApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probes of every kind on a real JVM: what they see, their budgets, classes that load later, and
 * that removing them gives each class back exactly its bytes.
 */
@SuppressWarnings("unchecked")
class ProbeTest {
  private static final String CALCULATOR = ProbeTargetApp.Calculator.class.getName();
  private static TargetJvm app;
  private static String pid;

  @BeforeAll
  static void start() throws Exception {
    app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(ProbeTargetApp.class).start();
    pid = Long.toString(app.pid());
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
  void metricsCountCallsExceptionsByTypeAndLatency() throws Exception {
    String id = add(CALCULATOR + "#divide", "--metrics");
    assertThat(app.ask("divide 10", "divide done"))
        .isEqualTo("divide done sum=" + expectedDivideSum(10) + " failures=4");

    Map<String, Object> metrics = probeMetrics(id);
    assertThat(metrics.get("calls")).isEqualTo(10L);
    assertThat((Map<String, Object>) metrics.get("exceptions"))
        .containsEntry("java.lang.ArithmeticException", 4L);
    Map<String, Object> latency = (Map<String, Object>) metrics.get("latency");
    assertThat(latency.get("count")).isEqualTo(10L);
    assertThat((Double) latency.get("maxMillis"))
        .isGreaterThanOrEqualTo((Double) latency.get("p50Millis"));

    CliRun table = jlive("metrics", pid, id);
    assertThat(table.stdout())
        .containsPattern(id + "\\s+metrics\\s+active\\s+10\\s")
        .contains("java.lang.ArithmeticException=4");
  }

  @Test
  void prometheusTextParsesBackToTheSameNumbers() throws Exception {
    String id = add(CALCULATOR + "#divide", "--metrics");
    app.ask("divide 7", "divide done");
    String text = AgentHttp.of(app.pid()).text("/metrics");
    Map<String, Double> samples =
        Arrays.stream(text.split("\n"))
            .filter(line -> !line.startsWith("#") && line.contains("probe=\"" + id + "\""))
            .collect(
                Collectors.toMap(
                    line -> line.substring(0, line.lastIndexOf(' ')),
                    line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))));
    String labels = "{probe=\"" + id + "\",selector=\"" + CALCULATOR + "#divide\",kind=\"metrics\"";
    assertThat(samples)
        .containsEntry("jlive_probe_calls_total" + labels + "}", 7.0)
        .containsEntry(
            "jlive_probe_exceptions_total"
                + labels
                + ",exception=\"java.lang.ArithmeticException\"}",
            3.0)
        .containsEntry("jlive_probe_latency_seconds_count" + labels + "}", 7.0)
        .containsKey("jlive_probe_latency_seconds" + labels + ",quantile=\"0.99\"}");
  }

  @Test
  void logProbesRenderParametersReturnValuesAndFields() throws Exception {
    String id =
        add(
            CALCULATOR + "#add(int,int)",
            "--log",
            "a={a} b={b} -> {return} on {this.name}",
            "--at",
            "exit");
    assertThat(app.ask("add 3", "add done")).isEqualTo("add done sum=6");
    List<Map<String, Object>> events = tail(id, 3);
    assertThat(events)
        .extracting(event -> event.get("message"))
        .containsExactly(
            "a=0 b=1 -> 1 on \"calc\"", "a=1 b=1 -> 2 on \"calc\"", "a=2 b=1 -> 3 on \"calc\"");
    assertThat(events.get(0))
        .containsEntry("at", "exit")
        .containsEntry("method", "ProbeTargetApp$Calculator#add(int,int)");
  }

  @Test
  void aConditionIsCompiledJavaAndMayReadPrivateFields() throws Exception {
    // calls is a private field of Calculator: the condition runs as the class's nestmate.
    String id =
        add(
            CALCULATOR + "#add(int,int)",
            "--log",
            "a={a}",
            "--when",
            "a >= 2 && b == 1 && this.calls > 0");
    assertThat(app.ask("add 5", "add done")).isEqualTo("add done sum=15");
    assertThat(tail(id, 3))
        .extracting(event -> event.get("message"))
        .containsExactly("a=2", "a=3", "a=4");
    assertThat(state(id)).containsEntry("hits", 5L).containsEntry("emitted", 3L);

    String atExit =
        add(
            CALCULATOR + "#divide",
            "--log",
            "{return}",
            "--at",
            "exit",
            "--when",
            "returned > 30L");
    app.ask("divide 5", "divide done");
    assertThat(tail(atExit, 2))
        .extracting(event -> event.get("message"))
        .containsExactly("100", "50");
  }

  @Test
  void templatePlaceholdersMayBeJavaExpressions() throws Exception {
    String id =
        add(
            CALCULATOR + "#add(int,int)",
            "--log",
            "{a} + {b} = {a + b}, name {this.name.toUpperCase()}, odd {a % 2 == 1}");
    app.ask("add 2", "add done");
    assertThat(tail(id, 2))
        .extracting(event -> event.get("message"))
        .containsExactly(
            "0 + 1 = 1, name \"CALC\", odd false", "1 + 1 = 2, name \"CALC\", odd true");

    CliRun broken = jlive("probe", "add", pid, CALCULATOR + "#add(int,int)", "--log", "{a +* b}");
    assertThat(broken.exitCode()).isEqualTo(8);
    assertThat(broken.stderr()).contains("the template expression 'a +* b' does not compile");

    CliRun mutating =
        jlive("probe", "add", pid, CALCULATOR + "#divide", "--log", "{this.add(1, 2)}");
    assertThat(mutating.stderr())
        .contains("the template expression 'this.add(1, 2)' could change the application's state");
  }

  @Test
  void aConditionThatCouldChangeStateIsRefusedUnlessAllowed() {
    CliRun mutating =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#divide",
            "--log",
            "{dividend}",
            "--when",
            "this.add(1, 2) > 0");
    assertThat(mutating.exitCode()).isEqualTo(8);
    assertThat(mutating.stderr())
        .contains("could change the application's state")
        .contains(
            "calls "
                + CALCULATOR
                + ".add(int, int), which assigns the field "
                + CALCULATOR
                + ".calls")
        .contains("--allow-side-effects");

    CliRun allocating =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#divide",
            "--log",
            "{dividend}",
            "--when",
            "new java.util.ArrayList<Object>().isEmpty()");
    assertThat(allocating.stderr()).contains("creates a java.util.ArrayList");

    CliRun getter =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#divide",
            "--log",
            "{dividend}",
            "--when",
            "this.toString().length() > 0");
    assertThat(getter.exitCode()).as("toString only reads fields: " + getter).isZero();

    CliRun allowed =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#divide",
            "--log",
            "{dividend}",
            "--when",
            "this.add(1, 2) > 0",
            "--allow-side-effects");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
  }

  @Test
  void aConditionThatDoesNotCompileSaysWhereAndWhatNamesExist() {
    CliRun run =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#add(int,int)",
            "--log",
            "{a}",
            "--when",
            "a > 1 && qty > 1");
    assertThat(run.exitCode()).isEqualTo(8);
    assertThat(run.stderr())
        .contains(
            "the condition 'a > 1 && qty > 1' does not compile: at column 10: cannot find symbol")
        .contains("over this, a, b, args");
    CliRun metrics =
        jlive("probe", "add", pid, CALCULATOR + "#divide", "--metrics", "--when", "true");
    assertThat(metrics.stderr()).contains("--when applies to log and capture probes");
  }

  @Test
  void aLineProbeSeesTheLocalsInScopeByName() throws Exception {
    String line = Integer.toString(sourceLine("// line probe here"));
    String id =
        add(
            CALCULATOR + "#sumOfSquares",
            "--line",
            line,
            "--log",
            "i={i} square={square} total={total} n={n}");
    assertThat(app.ask("sum 3", "sum done")).isEqualTo("sum done 14");
    assertThat(tail(id, 3))
        .extracting(event -> event.get("message"))
        .containsExactly(
            "i=1 square=1 total=0 n=3", "i=2 square=4 total=1 n=3", "i=3 square=9 total=5 n=3");
    assertThat(tail(id, 1).get(0))
        .containsEntry("at", "line")
        .containsEntry("method", "ProbeTargetApp$Calculator#sumOfSquares:" + line);

    String even =
        add(
            CALCULATOR + "#sumOfSquares",
            "--line",
            line,
            "--capture",
            "--when",
            "i % 2 == 0 && total > 0");
    app.ask("sum 4", "sum done");
    List<Map<String, Object>> snapshots = tail(even, 2);
    assertThat(snapshots)
        .extracting(event -> ((Map<String, Object>) event.get("data")).get("locals"))
        .containsExactly(
            Map.of("n", 4L, "total", 1L, "i", 2L, "square", 4L),
            Map.of("n", 4L, "total", 14L, "i", 4L, "square", 16L));

    String counted = add(CALCULATOR + "#sumOfSquares", "--line", line, "--count");
    app.ask("sum 5", "sum done");
    assertThat(probeMetrics(counted).get("calls")).isEqualTo(5L);
  }

  @Test
  void aLineWithoutCodeIsRefusedWithTheLinesThatHaveCode() {
    int blank = sourceLine("public long sumOfSquares(int n) {") - 1;
    CliRun run =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#sumOfSquares",
            "--line",
            Integer.toString(blank),
            "--log",
            "x");
    assertThat(run.exitCode()).isEqualTo(8);
    assertThat(run.stderr())
        .contains("line " + blank + " has no code in the selected methods")
        .contains("lines with code there: ");
  }

  @Test
  void captureAtExceptionRecordsArgumentsThrownAndStack() throws Exception {
    String id = add(CALCULATOR + "#divide", "--capture", "--at", "exception");
    app.ask("divide 4", "divide done");
    List<Map<String, Object>> events = tail(id, 2);
    Map<String, Object> data = (Map<String, Object>) events.get(0).get("data");
    assertThat((List<Object>) data.get("args")).containsExactly(100L, 0L);
    assertThat((Map<String, Object>) data.get("thrown"))
        .containsEntry("type", "java.lang.ArithmeticException");
    assertThat((Map<String, Object>) data.get("this")).containsEntry("name", "calc");
    assertThat((List<String>) data.get("stack"))
        .first()
        .asString()
        .startsWith(CALCULATOR + ".divide");
  }

  @Test
  void aCaptureKeepsToItsDepthAndSizeAndMarksWhatItCut() throws Exception {
    String id =
        add(
            CALCULATOR + "#divide",
            "--capture",
            "--at",
            "exception",
            "--depth",
            "0",
            "--max-size",
            "300");
    app.ask("divide 4", "divide done");
    Map<String, Object> data = (Map<String, Object>) tail(id, 2).get(0).get("data");
    assertThat((List<Object>) data.get("args")).containsExactly(100L, 0L);
    assertThat((Map<String, Object>) data.get("this"))
        .containsEntry("@type", CALCULATOR)
        .doesNotContainKey("name");
    List<String> stack = (List<String>) data.get("stack");
    assertThat(stack.get(0)).startsWith(CALCULATOR + ".divide");
    // The budget holds the whole capture: this short stack fits in it (ValueRendererTest cuts one).
    assertThat(String.join("", stack).length()).isLessThanOrEqualTo(300);

    CliRun notACapture =
        jlive("probe", "add", pid, CALCULATOR + "#divide", "--count", "--depth", "1");
    assertThat(notACapture.exitCode()).isEqualTo(2);
    assertThat(notACapture.stderr()).contains("use --capture");
    CliRun tooSmall =
        jlive("probe", "add", pid, CALCULATOR + "#divide", "--capture", "--max-size", "10");
    assertThat(tooSmall.exitCode()).isEqualTo(2);
    assertThat(tooSmall.stderr()).contains("'maxSize' must be from 256 to");
  }

  @Test
  void callersCountTheDistinctPathsIntoAMethod() throws Exception {
    String id = add(CALCULATOR + "#add(int,int)", "--callers");
    app.ask("add 5", "add done");
    List<Map<String, Object>> callers = (List<Map<String, Object>>) probeMetrics(id).get("callers");
    assertThat(callers).hasSize(1);
    assertThat(callers.get(0).get("calls")).isEqualTo(5L);
    assertThat((String) callers.get(0).get("path"))
        .startsWith(ProbeTargetApp.class.getName() + ".callAdd:")
        .contains(ProbeTargetApp.class.getName() + ".main:");
  }

  @Test
  void removingTheLastProbeRestoresTheExactBytes() throws Exception {
    AgentHttp agent = AgentHttp.of(app.pid());
    String original = agent.digest(CALCULATOR);
    String metrics = add(CALCULATOR + "#divide", "--metrics");
    String log = add(CALCULATOR + "#add(int,int)", "--log", "{a}");
    String probed = agent.digest(CALCULATOR);
    assertThat(probed).isNotEqualTo(original);

    assertThat(jlive("probe", "rm", pid, metrics).exitCode()).isZero();
    assertThat(agent.digest(CALCULATOR)).isNotEqualTo(original).isNotEqualTo(probed);
    assertThat(jlive("probe", "rm", pid, log).exitCode()).isZero();
    assertThat(agent.digest(CALCULATOR)).isEqualTo(original);
    assertThat(app.ask("add 2", "add done")).isEqualTo("add done sum=3");
  }

  @Test
  void aProbeOverItsHitLimitDisablesItselfAndTheAppGoesOn() throws Exception {
    String id = add(CALCULATOR + "#add(int,int)", "--log", "{a}", "--max-hits", "3");
    assertThat(app.ask("add 10", "add done")).isEqualTo("add done sum=55");
    assertThat(awaitDisabled(id))
        .startsWith("reached its limit of 3 calls; ")
        .contains("--max-hits");
    assertThat(tail(id, 3)).hasSize(3);
  }

  @Test
  void aProbeExpiresAfterItsTimeToLive() throws Exception {
    String id = add(CALCULATOR + "#add(int,int)", "--metrics", "--ttl", "1s");
    app.ask("add 1", "add done");
    assertThat(awaitDisabled(id))
        .startsWith("expired after its time to live of 1 s; ")
        .contains("--ttl");
    assertThat(app.ask("add 4", "add done")).isEqualTo("add done sum=10");
    CliRun table = jlive("metrics", pid, id);
    assertThat(table.stdout())
        .containsPattern(id + "\\s+metrics\\s+disabled\\s+1\\s")
        .contains(id + " is off, its figures stopped when it turned off: expired after");
  }

  @Test
  void aProbeFarOverItsRateLimitDisablesItself() throws Exception {
    String id = add(CALCULATOR + "#add(int,int)", "--log", "{a}", "--rate", "1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              app.ask("add 200", "add done");
              return state(id).get("state").equals("disabled");
            });
    assertThat((String) state(id).get("reason"))
        .startsWith("ran over its rate limit of 1 events/s more than 10-fold");
    assertThat((Long) state(id).get("dropped")).isGreaterThan(10L);
  }

  @Test
  void aProbeOverItsCpuShareDisablesItself() throws Exception {
    // A template that builds a large string on every call: far more work than the call itself
    // (String.repeat is refused as unbounded unless side effects are allowed).
    String id =
        add(
            CALCULATOR + "#add(int,int)",
            "--log",
            "{\"x\".repeat(200000).length() + a}",
            "--rate",
            "100000",
            "--cpu",
            "1",
            "--no-app-log",
            "--allow-side-effects");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              assertThat(app.ask("add 300", "add done")).isEqualTo("add done sum=45150");
              return state(id).get("state").equals("disabled");
            });
    assertThat((String) state(id).get("reason"))
        .matches("used [\\d.]+% of a CPU over [\\d.]+ s, above its cap of 1.0%; .*--sample.*--cpu");
  }

  @Test
  void aProbeWhoseCodeKeepsFailingDisablesItselfAndNeverThrowsIntoTheApp() throws Exception {
    String id = add(CALCULATOR + "#inspect", "--log", "value={value}");
    assertThat(app.ask("bomb 20", "bomb done")).isEqualTo("bomb done ok=20");
    assertThat(awaitDisabled(id))
        .startsWith("its code failed 10 times; last: java.lang.IllegalStateException: boom");
  }

  @Test
  void aWaitingProbeInstallsWhenItsClassLoads() throws Exception {
    CliRun added =
        jlive("probe", "add", pid, "dev.jlive.it.apps.LazyThing#step", "--metrics", "--wait");
    assertThat(added.exitCode()).as(added.toString()).isZero();
    assertThat(added.stdout()).contains("waiting for a matching class to load");
    String id = added.stdout().split(" ")[1];
    assertThat(state(id).get("state")).isEqualTo("waiting");
    assertThat(app.ask("lazy 6", "lazy done")).isEqualTo("lazy done 30");
    assertThat(probeMetrics(id).get("calls")).isEqualTo(6L);
    assertThat(state(id).get("state")).isEqualTo("active");
  }

  @Test
  void anInterfaceSelectorCoversLoadedAndLaterImplementations() throws Exception {
    String id = add(ProbeTargetApp.Greeter.class.getName() + "#greet", "--count");
    Map<String, Object> probe = state(id);
    assertThat(probe.get("installedIn").toString())
        .contains("EnglishGreeter")
        .doesNotContain("FrenchGreeter");
    assertThat(app.ask("french 3", "french done")).isEqualTo("french done bonjour annhello bob");
    assertThat(probeMetrics(id).get("calls")).isEqualTo(6L);
    assertThat(state(id).get("installedIn").toString()).contains("FrenchGreeter");
  }

  @Test
  void badProbesAreRefusedWithWhatToDo() {
    CliRun typo =
        jlive("probe", "add", pid, "dev.jlive.it.apps.ProbeTargetApp$Calculater#add", "--count");
    assertThat(typo.exitCode()).isEqualTo(8);
    assertThat(typo.stderr())
        .contains("no loaded class matches")
        .contains("did you mean " + CALCULATOR)
        .contains("--wait");

    CliRun overload = jlive("probe", "add", pid, CALCULATOR + "#add", "--count");
    assertThat(overload.exitCode()).isEqualTo(8);
    assertThat(overload.stderr())
        .contains("matches 2 overloads")
        .contains("#add(int,int)")
        .contains("#add(long,long)");

    CliRun noMethod = jlive("probe", "add", pid, CALCULATOR + "#subtract", "--count");
    assertThat(noMethod.stderr()).contains("has no method matching").contains("divide(long,long)");

    CliRun nativeMethod = jlive("probe", "add", pid, "java.lang.Object#hashCode", "--count");
    assertThat(nativeMethod.exitCode()).isEqualTo(8);
    assertThat(nativeMethod.stderr()).contains("java.lang.Object#hashCode is native");

    CliRun template = jlive("probe", "add", pid, CALCULATOR + "#divide", "--log", "{dividnd}");
    assertThat(template.stderr()).contains("names 'dividnd'").contains("dividend, divisor");

    CliRun at = jlive("probe", "add", pid, CALCULATOR + "#divide", "--metrics", "--at", "exit");
    assertThat(at.stderr()).contains("--at does not apply");

    CliRun unknown = jlive("probe", "rm", pid, "p999");
    assertThat(unknown.exitCode()).isEqualTo(8);
    assertThat(unknown.stderr()).contains("no probe p999");

    assertThat(jlive("probe", "list", pid).stdout()).isEqualTo("no probes\n");
  }

  /** Ids count the probes that were added: a refused add does not use one up. */
  @Test
  void aRefusedProbeDoesNotUseUpAnId() throws Exception {
    String first = add(CALCULATOR + "#divide", "--count");
    CliRun refused = jlive("probe", "add", pid, CALCULATOR + "#divide", "--log", "{dividnd}");
    assertThat(refused.exitCode()).isEqualTo(8);
    String second = add(CALCULATOR + "#divide", "--count");
    assertThat(Integer.parseInt(second.substring(1)))
        .isEqualTo(Integer.parseInt(first.substring(1)) + 1);
  }

  @Test
  void theLedgerRecordsWhoAddedEachProbeAndWhatBecameOfIt() throws Exception {
    String id = add(CALCULATOR + "#divide", "--count");
    assertThat(jlive("probe", "rm", pid, id).exitCode()).isZero();
    CliRun changes = jlive("changes", pid, "--json");
    Map<String, Object> change =
        ((List<Map<String, Object>>) changes.json().get("changes"))
            .stream().filter(entry -> entry.get("id").equals(id)).findFirst().orElseThrow();
    assertThat(change)
        .containsEntry("kind", "probe")
        .containsEntry("state", "removed")
        .containsEntry("author", System.getProperty("user.name"))
        .containsEntry("description", "count " + CALCULATOR + "#divide");
    // `jlive revert` takes back any change; the ledger tells the agent this one is a probe.
    String other = add(CALCULATOR + "#divide", "--count");
    CliRun revert = jlive("revert", pid, other);
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
    assertThat(change(other)).containsEntry("state", "removed");
    assertThat(jlive("revert", pid, "x999").stderr())
        .contains("no change x999")
        .contains("jlive changes");
  }

  /** The ledger entry of a change. */
  private static Map<String, Object> change(String id) {
    return ((List<Map<String, Object>>) jlive("changes", pid, "--json").json().get("changes"))
        .stream().filter(entry -> entry.get("id").equals(id)).findFirst().orElseThrow();
  }

  // ---- helpers ----

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

  private static Map<String, Object> probeMetrics(String id) {
    CliRun run = jlive("metrics", pid, id, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return ((List<Map<String, Object>>) run.json().get("probes")).get(0);
  }

  private static Map<String, Object> state(String id) {
    CliRun run = jlive("probe", "list", pid, "--json");
    return ((List<Map<String, Object>>) run.json().get("probes"))
        .stream().filter(probe -> probe.get("id").equals(id)).findFirst().orElseThrow();
  }

  private static String awaitDisabled(String id) {
    await().atMost(Duration.ofSeconds(30)).until(() -> state(id).get("state").equals("disabled"));
    return (String) state(id).get("reason");
  }

  private static List<Map<String, Object>> tail(String id, int count) {
    CliRun run =
        jlive(
            "tail",
            pid,
            id,
            "--last",
            "100",
            "--count",
            Integer.toString(count),
            "--timeout",
            "20s",
            "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return Arrays.stream(run.stdout().split("\n"))
        .filter(line -> !line.isBlank())
        .map(Json::parseObject)
        .collect(Collectors.toList());
  }

  /** The line of the test app's source that contains {@code marker}. */
  private static int sourceLine(String marker) {
    try {
      List<String> lines =
          Files.readAllLines(Paths.get("src/test/java/dev/jlive/it/apps/ProbeTargetApp.java"));
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(marker)) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(marker + " is not in ProbeTargetApp.java");
  }

  private static long expectedDivideSum(int times) {
    long sum = 0;
    for (int i = 0; i < times; i++) {
      if (i % 3 != 0) {
        sum += 100 / i;
      }
    }
    return sum;
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.ProbeTargetApp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sampling decided before a probe pays for a call (issue 16): an exit probe decides on entry, so a
 * call it leaves out builds no arguments; a callers probe walks the stack of a sample of calls by
 * default and weighs each walk. Each has its control: the same probe with every call kept.
 */
@SuppressWarnings("unchecked")
class SampledProbesTest {
  private static final String ADD = ProbeTargetApp.Calculator.class.getName() + "#add(int,int)";
  private static final int CALLS = 3_000;
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
  void aSampledExitProbeEmitsItsShareAndTheUnsampledControlEmitsEveryCall() throws Exception {
    String sampled =
        add(ADD, "--log", "{a} -> {return}", "--at", "exit", "--sample", "10", "--rate", "100000");
    String every = add(ADD, "--log", "{a} -> {return}", "--at", "exit", "--rate", "100000");
    assertThat(app.ask("add " + CALLS, "add done")).startsWith("add done sum=");

    Map<String, Object> kept = state(sampled);
    long emitted = (Long) kept.get("emitted");
    // 300 expected, binomial standard deviation about 16: five of them either side.
    assertThat(emitted).isBetween(218L, 382L);
    assertThat(kept.get("hits")).isEqualTo((long) CALLS);
    assertThat(kept.get("sampledOut")).isEqualTo(CALLS - emitted);
    assertThat(kept.get("state")).isEqualTo("active");

    Map<String, Object> control = state(every);
    assertThat(control.get("emitted")).isEqualTo((long) CALLS);
    assertThat(control.get("sampledOut")).isEqualTo(0L);
  }

  /**
   * A condition that is never true: sampling decided before it leaves 9 in 10 calls out without
   * testing it (the code before tested every call's condition first, and left none out).
   */
  @Test
  void anEntryProbeWithAConditionSamplesBeforeTestingIt() throws Exception {
    String sampled = add(ADD, "--log", "{a}", "--when", "a < 0", "--sample", "10");
    String every = add(ADD, "--log", "{a}", "--when", "a < 0");
    app.ask("add " + CALLS, "add done");

    Map<String, Object> kept = state(sampled);
    assertThat(kept.get("hits")).isEqualTo((long) CALLS);
    assertThat(kept.get("emitted")).isEqualTo(0L);
    // 2,700 expected, binomial standard deviation about 16.
    assertThat((Long) kept.get("sampledOut")).isBetween(2_618L, 2_782L);

    Map<String, Object> control = state(every);
    assertThat(control.get("emitted")).isEqualTo(0L);
    assertThat(control.get("sampledOut")).isEqualTo(0L);
  }

  @Test
  void aCallersProbeSamplesByDefaultSaysSoAndWithSampleOneWalksEveryCall() throws Exception {
    String sampled = add(ADD, "--callers");
    app.ask("add " + CALLS, "add done");
    Map<String, Object> kept = state(sampled);
    assertThat(kept.get("hits")).isEqualTo((long) CALLS);
    // The thread's first 256 calls are walked, then about 1 in 64 of the other 2,744 (43).
    long walked = CALLS - (Long) kept.get("sampledOut");
    assertThat(walked).isBetween(256L + 10, 256L + 90);
    long estimated = pathCalls(sampled);
    assertThat(estimated).isEqualTo(256 + (walked - 256) * 64);
    CliRun table = jlive("metrics", pid, sampled);
    assertThat(table.stdout()).contains("then 1 in 64 (--sample N to change)");
    assertThat(kept).containsEntry("sampleOneIn", 64L);
    jlive("probe", "rm", pid, sampled);

    String every = add(ADD, "--callers", "--sample", "1");
    app.ask("add " + CALLS, "add done");
    assertThat(state(every).get("sampledOut")).isEqualTo(0L);
    assertThat(pathCalls(every)).isEqualTo((long) CALLS);
    assertThat(jlive("metrics", pid, every).stdout()).doesNotContain("then 1 in");
  }

  /**
   * Bytes allocated per call, read by the application thread itself: a call an exit probe's
   * sampling leaves out allocates nothing, nor does one whose {@code --when} condition is tested on
   * the arguments as they are and is false. The control, the same false condition read through the
   * {@code args} array (which only the boxed path has), builds the array on every call, and the
   * same reading sees it.
   */
  @Test
  void aLeftOutCallOrAFalseTypedConditionAllocatesNothingAndABoxedConditionDoes() throws Exception {
    String exit =
        add(
            ADD,
            "--log",
            "{a} -> {return}",
            "--at",
            "exit",
            "--sample",
            "1000",
            "--rate",
            "100000");
    double dropped = allocationPerCall();
    assertThat(state(exit).get("emitted")).isNotEqualTo(0L);
    jlive("probe", "rm", pid, exit);

    String typed = add(ADD, "--log", "{a}", "--when", "a < 0 && this != null");
    double typedPerCall = allocationPerCall();
    assertThat(state(typed).get("emitted")).isEqualTo(0L);
    jlive("probe", "rm", pid, typed);

    String boxed = add(ADD, "--log", "{a}", "--when", "args.length == 2 && a < 0");
    double boxedPerCall = allocationPerCall();
    assertThat(state(boxed).get("emitted")).isEqualTo(0L);

    // What is left is the events of the 1 in 1,000 calls kept.
    assertThat(dropped).isLessThan(8.0);
    assertThat(typedPerCall).isLessThan(1.0);
    assertThat(boxedPerCall).isGreaterThan(16.0);
  }

  /**
   * A typed condition reads each argument with its own type and the receiver: it keeps exactly the
   * calls it holds for, and one that throws turns the probe off saying what it threw and the
   * argument types it saw.
   */
  @Test
  void aTypedConditionKeepsTheCallsItHoldsForAndOneThatThrowsTurnsTheProbeOff() throws Exception {
    String tenth =
        add(
            ADD,
            "--log",
            "{a}+{b}",
            "--when",
            "a % 10 == 0 && b == 1 && this != null",
            "--rate",
            "100000");
    app.ask("add " + CALLS, "add done");
    assertThat(state(tenth).get("emitted")).isEqualTo((long) CALLS / 10);
    jlive("probe", "rm", pid, tenth);

    String throwing = add(ADD, "--log", "{a}", "--when", "a / (a - a) > 0");
    assertThat(app.ask("add 100", "add done")).isEqualTo("add done sum=5050");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "disabled".equals(state(throwing).get("state")));
    assertThat((String) state(throwing).get("reason"))
        .contains("threw 10 times; last: java.lang.ArithmeticException")
        .contains("called with");
  }

  private static double allocationPerCall() throws IOException {
    app.ask("allocation 20000", "allocation done");
    return perCall(app.ask("allocation 200000", "allocation done"));
  }

  private static double perCall(String answer) {
    String field = answer.split(" ")[2];
    return Double.parseDouble(field.substring("perCall=".length()));
  }

  private static long pathCalls(String id) {
    CliRun run = jlive("metrics", pid, id, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    Map<String, Object> probe = ((List<Map<String, Object>>) run.json().get("probes")).get(0);
    return ((List<Map<String, Object>>) probe.get("callers"))
        .stream().mapToLong(path -> (Long) path.get("calls")).sum();
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

  private static Map<String, Object> state(String id) {
    CliRun run = jlive("probe", "list", pid, "--json");
    return ((List<Map<String, Object>>) run.json().get("probes"))
        .stream().filter(probe -> probe.get("id").equals(id)).findFirst().orElseThrow();
  }
}

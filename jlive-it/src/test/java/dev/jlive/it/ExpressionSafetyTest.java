package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.ExpressionTargetApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probe expressions never hurt the application: on a real JVM, through the CLI, expressions that
 * loop, block, escape the expression or call a getter patched to write are refused with what was
 * found; with {@code --allow-side-effects} the same expressions are accepted (the control: the
 * refusal is the check's doing), and one that runs too long stops running. The checker's other
 * cases are unit tests on real compiled classes ({@code ReadOnlyCheckTest}).
 */
@SuppressWarnings("unchecked")
class ExpressionSafetyTest {
  private static final String CHECKOUT = ExpressionTargetApp.Checkout.class.getName();
  private static final String PLACE = CHECKOUT + "#place";
  private static TargetJvm app;
  private static String pid;

  @BeforeAll
  static void start() throws Exception {
    app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(ExpressionTargetApp.class).start();
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
  void aLoopInASwitchExpressionIsRefused() {
    String spin =
        "switch (total) { default -> { int i = 0; while (i >= 0) { i = i | 1; } yield true; } }";
    CliRun refused = jlive("probe", "add", pid, PLACE, "--log", "{total}", "--when", spin);
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(8);
    assertThat(refused.stderr())
        .contains("could change the application's state or hold its thread")
        .contains("loops (jumps backwards), so its running time has no bound")
        .contains("--allow-side-effects");
    // Control: accepted when the user takes the risk. It is not run: it would hold the thread.
    CliRun allowed =
        jlive(
            "probe", "add", pid, PLACE, "--log", "{total}", "--when", spin, "--allow-side-effects");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
  }

  @Test
  void aBlockingCallIsRefused() {
    String await =
        "switch (total) { default -> { try { yield this.pending.get() != null; } catch (Exception e) { yield false; } } }";
    CliRun refused = jlive("probe", "add", pid, PLACE, "--log", "{total}", "--when", await);
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(8);
    assertThat(refused.stderr()).contains("calls java.util.concurrent.Future.get() (may block)");
    CliRun allowed =
        jlive(
            "probe",
            "add",
            pid,
            PLACE,
            "--log",
            "{total}",
            "--when",
            await,
            "--allow-side-effects");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
  }

  @Test
  void aTemplateThatAllocatesOrRunsARegexIsRefused() {
    CliRun array = jlive("probe", "add", pid, PLACE, "--log", "{new byte[150_000_000].length}");
    assertThat(array.exitCode()).isEqualTo(8);
    assertThat(array.stderr())
        .contains("the template expression 'new byte[150_000_000].length'")
        .contains("creates an array");
    CliRun regex = jlive("probe", "add", pid, PLACE, "--log", "{name.matches(\"(a+)+b\")}");
    assertThat(regex.stderr())
        .contains("java.lang.String.matches(java.lang.String) (runs a regular expression");
    CliRun allowed =
        jlive(
            "probe",
            "add",
            pid,
            PLACE,
            "--log",
            "{name.matches(\"(a+)+b\")}",
            "--allow-side-effects");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
  }

  @Test
  void textThatClosesTheMethodAndDeclaresMembersIsRefusedEvenWithSideEffectsAllowed() {
    String escape =
        "true; } static boolean spin() { while (true) { } } static boolean other() { return true";
    for (String[] extra : List.of(new String[0], new String[] {"--allow-side-effects"})) {
      String[] args =
          concat(
              new String[] {"probe", "add", pid, PLACE, "--log", "{total}", "--when", escape},
              extra);
      CliRun refused = jlive(args);
      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(8);
      assertThat(refused.stderr())
          .contains("is not a single Java expression: it declares the method spin()");
    }
  }

  @Test
  void aGetterPatchedToWriteIsCheckedAsItRunsNow() throws Exception {
    // Control: the getter as loaded only reads, and the same expression is accepted.
    CliRun before =
        jlive("probe", "add", pid, PLACE, "--log", "{total}", "--when", "this.meter.value() > 0");
    assertThat(before.exitCode()).as(before.toString()).isZero();
    jlive("probe", "rm", pid, "--all");

    Path method = Artifacts.work().resolve("meter-" + System.nanoTime() + ".java");
    Files.writeString(method, "public int value() {\n  return ++value;\n}\n");
    CliRun patch =
        jlive(
            "patch",
            pid,
            ExpressionTargetApp.Meter.class.getName() + "#value()",
            "--method-file",
            method.toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    try {
      CliRun after =
          jlive("probe", "add", pid, PLACE, "--log", "{total}", "--when", "this.meter.value() > 0");
      assertThat(after.exitCode()).as(after.toString()).isEqualTo(8);
      assertThat(after.stderr())
          .contains(
              "calls "
                  + ExpressionTargetApp.Meter.class.getName()
                  + ".value(), which assigns the field "
                  + ExpressionTargetApp.Meter.class.getName()
                  + ".value");
    } finally {
      revertPatches();
    }
  }

  @Test
  void usefulExpressionsStillPass() throws Exception {
    String when =
        add(
            PLACE,
            "--log",
            "#{order.id} {name} {order.id + 1} {total}",
            "--when",
            "(int) args[2] > 10 && this.total > 100 && name.length() > 3 && order.id >= 6 && name != null && name.startsWith(\"a\")");
    assertThat(app.ask("place 9", "place done")).startsWith("place done placed=9");
    List<Map<String, Object>> events = tail(when, 2);
    assertThat(events)
        .extracting(event -> event.get("message"))
        .containsExactly("#6 \"anna\" 7 120", "#8 \"anna\" 9 160");
  }

  @Test
  void anExpressionThatRunsTooLongStopsAndItsProbeTurnsOff() throws Exception {
    // Backtracking that takes about 2 s per call (0.1 s or more compiled): far over the 20 ms a
    // call may take.
    String slow = "\"aaaaaaaaaaaaaaaaaaaaaa!\".matches(\"(.*a){12}b\") || total >= 0";
    String id = add(PLACE, "--log", "{total}", "--when", slow, "--allow-side-effects");
    assertThat(app.ask("place 30", "place done")).startsWith("place done placed=30");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(id).get("state").equals("disabled"));
    assertThat(app.ask("place 5", "place done"))
        .as("the thread is not held")
        .startsWith("place done placed=5");
    // The expression's own guard stops it (the probe's CPU budget may see it first, with its own
    // reason).
    assertThat((String) state(id).get("reason"))
        .containsAnyOf("jlive no longer runs it", "of a CPU");
    // At most one call to arm the CPU measurement, then three slow ones; every later call failed at
    // once.
    assertThat((Long) state(id).get("emitted")).as(state(id).toString()).isLessThanOrEqualTo(4L);
  }

  // ---- helpers ----

  private static String add(String selector, String... options) {
    CliRun run = jlive(concat(new String[] {"probe", "add", pid, selector}, options));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.stdout().split(" ")[1];
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  private static Map<String, Object> state(String id) {
    CliRun run = jlive("probe", "list", pid, "--json");
    return ((List<Map<String, Object>>) run.json().get("probes"))
        .stream().filter(probe -> probe.get("id").equals(id)).findFirst().orElseThrow();
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
        .toList();
  }

  private static void revertPatches() {
    List<Map<String, Object>> changes =
        (List<Map<String, Object>>) jlive("changes", pid, "--json").json().get("changes");
    for (Map<String, Object> change : changes) {
      if ("patch".equals(change.get("kind")) && "active".equals(change.get("state"))) {
        assertThat(jlive("revert", pid, (String) change.get("id")).exitCode()).isZero();
      }
    }
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.RecordApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Record and replay: the demo's pricing method is recorded under the demo's own load, and the file
 * is replayed in a fresh JVM against a build with the fix (exactly the quantity-10 calls differ)
 * and against the unfixed build (nothing differs: the negative control), and inside the demo
 * against the fix as a candidate patch. A cut capture (in a small app of its own), a class missing
 * from the class path, a bad file, a method with side effects (not recorded) and a build whose
 * method has them (not replayed) each get their own verdict or refusal.
 */
@SuppressWarnings("unchecked")
class RecordReplayTest {
  private static final String PRICING = "dev.jlive.demo.shop.Pricing#discountedPrice(long,int)";
  private static final String BUG = "if (quantity > BULK_QUANTITY) {";
  private static final String APP = RecordApp.class.getName();
  private static TargetJvm demo;
  private static String pid;
  private static TargetJvm app;
  private static String appPid;
  private static Path work;
  private static Path recorded;
  private static Path fixedSource;
  private static Path fixedClasses;
  private static Path impureClasses;

  @BeforeAll
  static void start() throws Exception {
    app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(RecordApp.class).start();
    appPid = Long.toString(app.pid());
    demo =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("")
            // 300 requests a second rather than as fast as its threads go, which took both cores
            // for the whole class: the recording waits for its 200 calls, not a time.
            .jar(Artifacts.demoJar(), "--load", "--rate", "300", "--duration", "0")
            .readyLine("jlive-demo ready")
            .start();
    pid = Long.toString(demo.pid());
    work = Files.createTempDirectory(Artifacts.work(), "record");
    recorded = work.resolve("pricing.jlrec");
    // "ready" comes before the load's first order: wait until the pricing class is loaded.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> jlive("classes", pid, "dev.jlive.demo.shop.Pricing").stdout(),
            listed -> listed.contains("dev.jlive.demo.shop.Pricing"));
    CliRun record =
        jlive(
            "record",
            pid,
            PRICING,
            "--count",
            "200",
            "--duration",
            "60s",
            "-o",
            recorded.toString());
    assertThat(record.exitCode()).as(record.toString()).isZero();
    assertThat(record.stdout()).contains("wrote 200 calls (0 cut");

    Path demoSource =
        Paths.get("../jlive-demo/src/main/java/dev/jlive/demo/shop/Pricing.java")
            .toAbsolutePath()
            .normalize();
    String source = Files.readString(demoSource, StandardCharsets.UTF_8);
    assertThat(source).contains(BUG);
    fixedSource = Files.createDirectories(work.resolve("src")).resolve("Pricing.java");
    Files.writeString(fixedSource, source.replace(BUG, "if (quantity >= BULK_QUANTITY) {"));
    fixedClasses = compile(fixedSource, "fixed", Artifacts.demoJar().toString());
    Path impureSource = Files.createDirectories(work.resolve("impure")).resolve("Pricing.java");
    Files.writeString(
        impureSource,
        source.replace(BUG, "System.setProperty(\"jlive.priced\", \"yes\");\n" + BUG));
    impureClasses = compile(impureSource, "impure-classes", Artifacts.demoJar().toString());
  }

  private static Path compile(Path source, String into, String classPath) throws Exception {
    Path classes = Files.createDirectories(work.resolve(into));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled =
        javac.run(null, null, null, "-d", classes.toString(), "-cp", classPath, source.toString());
    assertThat(compiled).isZero();
    return classes;
  }

  @AfterAll
  static void stop() throws Exception {
    demo.close();
    app.close();
  }

  @Test
  void aBuildWithTheFixDiffersOnExactlyTheQuantity10Calls() {
    Map<String, Object> report =
        replay(recorded, fixedClasses + File.pathSeparator + Artifacts.demoJar(), 11).json();
    List<Map<String, Object>> results = (List<Map<String, Object>>) report.get("results");
    assertThat(results).hasSize(200);
    long quantity10 =
        results.stream().filter(result -> quantity10(result.get("arguments"))).count();
    assertThat(quantity10).as("the load sends quantity 10 on about one line in five").isPositive();
    assertThat(((Number) report.get("different")).longValue()).isEqualTo(quantity10);
    assertThat(((Number) report.get("notReplayable")).longValue()).isZero();
    for (Map<String, Object> result : results) {
      assertThat(result.get("verdict"))
          .as(result.toString())
          .isEqualTo(quantity10(result.get("arguments")) ? "different" : "equal");
    }
    Map<String, Object> different =
        results.stream()
            .filter(result -> "different".equals(result.get("verdict")))
            .findFirst()
            .get();
    assertThat(String.valueOf(different.get("recorded"))).startsWith("returned ");
    assertThat(String.valueOf(different.get("replayed"))).startsWith("returned ");

    CliRun text =
        jlive(
            "replay",
            recorded.toString(),
            "--cp",
            fixedClasses + File.pathSeparator + Artifacts.demoJar());
    assertThat(text.stdout())
        .contains("DIFFERENT with [")
        .contains("200 calls: " + (200 - quantity10) + " equal, " + quantity10 + " different");
  }

  @Test
  void theUnfixedBuildDiffersNowhere() {
    CliRun replay = replay(recorded, Artifacts.demoJar().toString(), 0);
    assertThat(replay.json()).containsEntry("different", 0L).containsEntry("equal", 200L);
  }

  @Test
  void aClassMissingFromTheClassPathIsNamed() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));
    CliRun replay = jlive("replay", recorded.toString(), "--cp", empty.toString());
    assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(2);
    assertThat(replay.stderr()).contains("the class path lacks dev.jlive.demo.shop.Pricing");
  }

  @Test
  void aCutCaptureIsMarkedAndNotReplayable() throws Exception {
    // 200 longs take about 1.6 KB: over --max-size 256, so every capture is cut.
    Path sums = work.resolve("sum.jlrec");
    CliRun record =
        jlive(
            "record",
            appPid,
            "dev.jlive.it.apps.RecordApp#sum",
            "--count",
            "3",
            "--max-size",
            "256",
            "-o",
            sums.toString());
    assertThat(record.exitCode()).as(record.toString()).isZero();
    assertThat(record.stdout()).contains("wrote 3 calls (3 cut");
    String appClasses = Artifacts.classPathWith();
    CliRun replay = replay(sums, appClasses, 0);
    assertThat(replay.json()).containsEntry("notReplayable", 3L).containsEntry("equal", 0L);
    assertThat((List<Map<String, Object>>) replay.json().get("results"))
        .allSatisfy(
            result ->
                assertThat(String.valueOf(result.get("why")))
                    .contains("cut when recorded")
                    .contains("more than 256 bytes"));

    // The control: the same method, not cut, replays equal.
    Path whole = work.resolve("sum-whole.jlrec");
    assertThat(
            jlive(
                    "record",
                    appPid,
                    "dev.jlive.it.apps.RecordApp#sum",
                    "--count",
                    "3",
                    "-o",
                    whole.toString())
                .exitCode())
        .isZero();
    assertAllEqual(jlive("replay", whole.toString(), "--cp", appClasses, "--json"), 3);
  }

  @Test
  void callsTakingAndReturningTheJdksUnmodifiableCollectionsReplayEqual() throws Exception {
    Path file = record(appPid, APP + "#pack", 10, "pack.jlrec");
    assertAllEqual(replay(file, Artifacts.classPathWith(), 0), 10);
  }

  @Test
  void aCallThroughAnInterfaceIsCheckedInTheImplementationsOnTheClassPath() throws Exception {
    Path file = record(appPid, APP + "#quote", 10, "quote.jlrec");
    assertAllEqual(replay(file, Artifacts.classPathWith(), 0), 10);

    // The control: one more implementation on the class path, which writes a field, is found
    // there (the fresh JVM never loaded it) and refuses the replay, named.
    Path source = Files.createDirectories(work.resolve("counting")).resolve("CountingRate.java");
    Files.writeString(
        source,
        "public final class CountingRate implements dev.jlive.it.apps.RecordApp.Rate {\n"
            + "  long asked;\n"
            + "  public long cents(int quantity) { asked++; return quantity; }\n"
            + "}\n");
    Path counting = compile(source, "counting-classes", Artifacts.classPathWith());
    CliRun refused =
        jlive(
            "replay",
            file.toString(),
            "--cp",
            counting + File.pathSeparator + Artifacts.classPathWith());
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains("the replay is refused")
        .contains("CountingRate.asked")
        .contains("through CountingRate.cents(int) called at RecordApp.java");
  }

  @Test
  void aCallWhoseArgumentsClassIsNotOnTheClassPathIsNotReplayableAndTheOthersReplay()
      throws Exception {
    Path file = record(appPid, APP + "#quote", 10, "quote-missing.jlrec");
    // The app's classes without BulkRate: the calls given a FlatRate can still be read back.
    Path appClasses = Path.of(Artifacts.classPathWith());
    Path withoutBulk = Files.createDirectories(work.resolve("without-bulk/dev/jlive/it/apps"));
    try (DirectoryStream<Path> classes =
        Files.newDirectoryStream(appClasses.resolve("dev/jlive/it/apps"), "RecordApp*.class")) {
      for (Path each : classes) {
        if (!each.getFileName().toString().equals("RecordApp$BulkRate.class")) {
          Files.copy(each, withoutBulk.resolve(each.getFileName()));
        }
      }
    }
    CliRun replay = replay(file, work.resolve("without-bulk").toString(), 0);
    Map<String, Object> report = replay.json();
    List<Map<String, Object>> results = (List<Map<String, Object>>) report.get("results");
    assertThat(results).hasSize(10);
    assertThat(report.get("notReplayable")).as(replay.toString()).isEqualTo(5L);
    assertThat(report.get("equal")).isEqualTo(5L);
    for (Map<String, Object> result : results) {
      if ("equal".equals(result.get("verdict"))) {
        assertThat(String.valueOf(result.get("arguments"))).contains("FlatRate");
      } else {
        assertThat(String.valueOf(result.get("why")))
            .as(result.toString())
            .contains("class dev.jlive.it.apps.RecordApp$BulkRate is missing")
            .contains("the class path lacks it");
      }
    }
  }

  @Test
  void recordedOnJava25AndReplayedInAFreshJava25Jvm() throws Exception {
    Jdk.JAVA_25.require();
    try (TargetJvm on25 = TargetJvm.on(Jdk.JAVA_25).javaagent("").main(RecordApp.class).start()) {
      Path file = record(Long.toString(on25.pid()), APP + "#quote", 6, "quote-25.jlrec");
      CliRun replay =
          replay(file, Artifacts.classPathWith(), 0, "--java", Jdk.JAVA_25.java().toString());
      assertAllEqual(replay, 6);
      Map<String, Object> report = replay.json();
      assertThat(String.valueOf(report.get("recordedOn"))).contains(" 25");
      assertThat(String.valueOf(report.get("replayedOn"))).contains(" 25");
      // Java 24+ warns on stderr at the first use of sun.misc.Unsafe's memory access: the agent's
      // Kryo must not write that into the application's output, nor into the replay's.
      assertThat(on25.stderr()).noneMatch(line -> line.contains("sun.misc.Unsafe"));
      assertThat(replay.stderr()).doesNotContain("sun.misc.Unsafe");
    }
  }

  private static Path record(String target, String method, int count, String name) {
    Path file = work.resolve(name);
    CliRun record =
        jlive("record", target, method, "--count", Integer.toString(count), "-o", file.toString());
    assertThat(record.exitCode()).as(record.toString()).isZero();
    assertThat(record.stdout()).contains("wrote " + count + " calls (0 cut");
    return file;
  }

  /**
   * Runs {@code jlive replay FILE --cp CLASS_PATH --json MORE...} and checks it exits with {@code
   * exitCode}: the run, whose JSON is the report.
   */
  private static CliRun replay(Path file, String classPath, int exitCode, String... more) {
    List<String> args =
        new ArrayList<>(List.of("replay", file.toString(), "--cp", classPath, "--json"));
    args.addAll(List.of(more));
    CliRun replay = jlive(args.toArray(String[]::new));
    assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(exitCode);
    return replay;
  }

  /** Checks the replay's report counts {@code calls} calls that replayed equal. */
  private static void assertAllEqual(CliRun replay, long calls) {
    assertThat(replay.json()).as(replay.toString()).containsEntry("equal", calls);
  }

  @Test
  void theFixAsACandidatePatchInsideTheDemoDiffersOnTheQuantity10Calls() {
    CliRun replay =
        jlive("replay", pid, recorded.toString(), "--patch", fixedSource.toString(), "--json");
    assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(11);
    List<Map<String, Object>> results = (List<Map<String, Object>>) replay.json().get("results");
    assertThat(results).isNotEmpty();
    for (Map<String, Object> result : results) {
      assertThat(result.get("verdict"))
          .as(result.toString())
          .isEqualTo(quantity10(result.get("arguments")) ? "different" : "equal");
    }
    // Nothing was installed: the running code still has the bug.
    assertThat(jlive("changes", pid, "--json").stdout()).doesNotContain("\"kind\": \"patch\"");
  }

  @Test
  void aMethodWithSideEffectsIsNotRecorded() throws Exception {
    Path file = work.resolve("cart-add.jlrec");
    CliRun record =
        jlive("record", pid, "dev.jlive.demo.shop.Cart#add", "--count", "2", "-o", file.toString());
    assertThat(record.exitCode()).as(record.toString()).isEqualTo(8);
    assertThat(record.stderr())
        .contains("the recording is refused")
        .contains("Cart.add")
        .contains("takes the lock of this")
        .contains("jlive check PID");
    assertThat(file).doesNotExist();
    assertThat(jlive("probe", "list", pid).stdout()).doesNotContain("Cart#add");
  }

  @Test
  void aBuildWhoseMethodHasSideEffectsIsNotReplayed() {
    CliRun replay =
        jlive(
            "replay",
            recorded.toString(),
            "--cp",
            impureClasses + File.pathSeparator + Artifacts.demoJar());
    assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(2);
    assertThat(replay.stderr())
        .contains("the replay is refused")
        .contains("Pricing.discountedPrice")
        .contains("setProperty");
  }

  @Test
  void aFileThatIsNotARecordIsRefusedClearly() throws Exception {
    Path file = work.resolve("not-a-record.jlrec");
    Files.writeString(file, "hello");
    CliRun replay = jlive("replay", file.toString(), "--cp", Artifacts.demoJar().toString());
    assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(2);
    assertThat(replay.stderr()).contains("is not a jlive record file");
  }

  private static boolean quantity10(Object arguments) {
    return String.valueOf(arguments).endsWith(", 10]");
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.ShadowApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shadow runs: the demo's pricing fix runs beside the running code under the demo's own load, and
 * its differences from the running code are counted, expected or not, without the shop seeing any
 * of it; noise is learnt; a method with a side effect is refused.
 */
@SuppressWarnings("unchecked")
class ShadowTest {
  private static final String PRICING = "dev.jlive.demo.shop.Pricing#discountedPrice(long,int)";
  private static final Pattern LOAD_ERRORS = Pattern.compile("^load .*errors=(\\d+)");
  private static TargetJvm demo;
  private static String pid;

  /** Where in the demo's output the load lines without known errors begin. */
  private static int cleanFrom;

  @BeforeAll
  static void start() throws Exception {
    demo =
        TargetJvm.on(Jdk.JAVA_17)
            // A load line each second instead of each 5 s (test-only): the tests wait for the next
            // line several times, and each line still covers only its own stretch.
            .jvmArg("-Djlive.demo.load.reportEveryMillis=1000")
            .javaagent("")
            // 300 requests a second rather than as fast as its threads go, which took both cores
            // for the whole class: the tests wait for a number of compared calls, not a time.
            .jar(Artifacts.demoJar(), "--load", "--rate", "300", "--duration", "0")
            .readyLine("jlive-demo ready")
            .start();
    pid = Long.toString(demo.pid());
    // Bug 3 of jlive-demo/BUGS.md makes about one visit in ten fail; with its fix applied, every
    // error the load driver counts would be the shadow's.
    Path emptyCartFix =
        methodFile(
            "averageItemPriceCents",
            "static long averageItemPriceCents(long totalCents, int itemCount) {\n"
                + "  if (itemCount == 0) {\n"
                + "    throw new ShopException(ShopError.EMPTY_CART, \"cart is empty\");\n"
                + "  }\n"
                + "  return totalCents / itemCount;\n"
                + "}\n");
    CliRun fixed =
        jlive(
            "patch",
            pid,
            "dev.jlive.demo.shop.Checkout#averageItemPriceCents(long,int)",
            "--method-file",
            emptyCartFix.toString());
    assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
    cleanFrom = afterNextLoadLine();
  }

  /** The index after the next load line to come: lines after it cover only what follows now. */
  private static int afterNextLoadLine() {
    int from = demo.stdout().size();
    await().atMost(Duration.ofSeconds(60)).until(() -> loadLines(from).size() > 0);
    return from + indexOfFirstLoadLine(from) + 1;
  }

  private static int indexOfFirstLoadLine(int from) {
    List<String> lines = demo.stdout();
    for (int i = from; i < lines.size(); i++) {
      if (LOAD_ERRORS.matcher(lines.get(i)).find()) {
        return i - from;
      }
    }
    return -1;
  }

  private static List<String> loadLines(int from) {
    List<String> lines = demo.stdout();
    List<String> load = new ArrayList<>();
    for (int i = from; i < lines.size(); i++) {
      if (LOAD_ERRORS.matcher(lines.get(i)).find()) {
        load.add(lines.get(i));
      }
    }
    return load;
  }

  @AfterAll
  static void stop() throws Exception {
    demo.close();
  }

  @Test
  void thePricingFixDiffersOnlyWhereExpected() throws Exception {
    String id =
        shadow(fix("quantity >= BULK_QUANTITY"), "--sample", "1/1", "--expect", "quantity == 10");
    Map<String, Object> report = awaitCompared(id, 1000);
    assertThat(number(report, "unexpectedDifferences")).as(report.toString()).isZero();
    assertThat(number(report, "expectedDifferences")).as(report.toString()).isPositive();
    assertThat(number(report, "candidateExceptions")).isZero();
    List<Map<String, Object>> examples = (List<Map<String, Object>>) report.get("examples");
    assertThat(examples)
        .isNotEmpty()
        .allMatch(example -> Boolean.TRUE.equals(example.get("expected")));
    assertThat(String.valueOf(examples.get(0).get("arguments"))).endsWith(", 10]");

    CliRun text = jlive("shadow", pid, id);
    assertThat(text.stdout()).contains("expected difference").doesNotContain("UNEXPECTED");
    assertThat(jlive("revert", pid, id).exitCode()).isZero();
    assertThat(jlive("shadow", pid, id, "--json").json().get("state")).isEqualTo("dropped");
    assertNoShopErrors();
  }

  @Test
  void aWrongFixShowsUnexpectedDifferencesWithExamples() throws Exception {
    String id = shadow(fix("quantity >= 1"), "--sample", "1/1", "--expect", "quantity == 10");
    Map<String, Object> report = awaitCompared(id, 300);
    assertThat(number(report, "unexpectedDifferences")).as(report.toString()).isPositive();
    List<Map<String, Object>> examples = (List<Map<String, Object>>) report.get("examples");
    assertThat(examples.get(0).get("expected")).isEqualTo(false);
    assertThat(examples.get(0).get("paths")).isEqualTo(List.of("$"));
    assertThat(jlive("shadow", pid, id).stdout()).contains("UNEXPECTED difference");
    assertThat(jlive("revert", pid, id).exitCode()).isZero();
  }

  @Test
  void aCandidateThatThrowsIsReportedAndTheShopSeesNoError() throws Exception {
    // The candidate indexes an empty array where the fix should discount.
    Path throwing =
        methodFile(
            "discountedPrice",
            "public static long discountedPrice(long priceCents, int quantity) {\n"
                + "  long gross = priceCents * quantity;\n"
                + "  if (quantity >= BULK_QUANTITY) {\n"
                + "    return (new long[0])[quantity];\n"
                + "  }\n"
                + "  return gross;\n"
                + "}\n");
    String id = shadow(throwing, "--sample", "1/1");
    Map<String, Object> report = awaitCompared(id, 300);
    assertThat(number(report, "candidateExceptions")).as(report.toString()).isPositive();
    assertThat(report.get("exceptionExamples").toString())
        .contains("ArrayIndexOutOfBoundsException");
    assertThat(jlive("revert", pid, id).exitCode()).isZero();
    assertNoShopErrors();

    // Negative control: the same candidate installed does fail the shop's requests.
    CliRun installed = jlive("patch", pid, PRICING, "--method-file", throwing.toString());
    assertThat(installed.exitCode()).as(installed.toString()).isZero();
    String patch = installed.stdout().split(" ")[1];
    int from = demo.stdout().size();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  loadLines(from).stream()
                      .map(LOAD_ERRORS::matcher)
                      .anyMatch(m -> m.find() && Long.parseLong(m.group(1)) > 0));
    } finally {
      assertThat(jlive("revert", pid, patch).exitCode()).isZero();
      cleanFrom = afterNextLoadLine();
    }
  }

  @Test
  void promoteInstallsTheCandidateAsAnOrdinaryPatch() throws Exception {
    String id = shadow(fix("quantity >= BULK_QUANTITY"), "--sample", "1/1");
    awaitCompared(id, 10);
    CliRun promote = jlive("patch", "promote", pid, id);
    assertThat(promote.exitCode()).as(promote.toString()).isZero();
    assertThat(promote.stdout()).containsPattern("promoted: patch x\\d+ applied");
    String patch = promote.stdout().replaceAll("(?s).*patch (x\\d+) applied.*", "$1");
    assertThat(jlive("shadow", pid, id, "--json").json().get("state")).isEqualTo("promoted");
    assertThat(jlive("changes", pid).stdout()).contains(patch);
    assertThat(jlive("revert", pid, patch).exitCode()).isZero();
  }

  @Test
  void noiseIsLearntAndLeftOut() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(ShadowApp.class).start()) {
      String appPid = Long.toString(app.pid());
      Path candidate =
          methodFile(
              "receipt",
              "public static dev.jlive.it.apps.ShadowApp.Receipt receipt(int quantity) {\n"
                  + "  return new dev.jlive.it.apps.ShadowApp.Receipt(System.nanoTime(), 100L * quantity + 0);\n}\n");
      String selector = "dev.jlive.it.apps.ShadowApp$Receipts#receipt(int)";

      CliRun learning =
          jlive(
              "patch",
              appPid,
              selector,
              "--method-file",
              candidate.toString(),
              "--shadow",
              "--sample",
              "1/1");
      assertThat(learning.exitCode()).as(learning.toString()).isZero();
      String id = learning.stdout().split(" ")[1];
      Map<String, Object> report = awaitCompared(appPid, id, 500);
      assertThat(report.get("noisyPaths")).as(report.toString()).isEqualTo(List.of("$.stamp"));
      assertThat(number(report, "unexpectedDifferences")).as(report.toString()).isZero();
      assertThat(jlive("revert", appPid, id).exitCode()).isZero();

      // Negative control: without learning, the same stamps show as differences.
      CliRun blind =
          jlive(
              "patch",
              appPid,
              selector,
              "--method-file",
              candidate.toString(),
              "--shadow",
              "--sample",
              "1/1",
              "--no-noise-learning");
      assertThat(blind.exitCode()).as(blind.toString()).isZero();
      String blindId = blind.stdout().split(" ")[1];
      Map<String, Object> blindReport = awaitCompared(appPid, blindId, 500);
      assertThat(number(blindReport, "unexpectedDifferences"))
          .as(blindReport.toString())
          .isPositive();
      assertThat(((List<Map<String, Object>>) blindReport.get("examples")).get(0).get("paths"))
          .isEqualTo(List.of("$.stamp"));
      assertThat(jlive("revert", appPid, blindId).exitCode()).isZero();
    }
  }

  @Test
  void shadowsRunOnJava25() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_25).javaagent("").main(ShadowApp.class).start()) {
      String appPid = Long.toString(app.pid());
      Path candidate =
          methodFile(
              "receipt",
              "public static ShadowApp.Receipt receipt(int quantity) {\n"
                  + "  return new ShadowApp.Receipt(System.nanoTime(), 100L * quantity + 1);\n}\n");
      CliRun run =
          jlive(
              "patch",
              appPid,
              "dev.jlive.it.apps.ShadowApp$Receipts#receipt(int)",
              "--method-file",
              candidate.toString(),
              "--shadow",
              "--sample",
              "1/1");
      assertThat(run.exitCode()).as(run.toString()).isZero();
      String id = run.stdout().split(" ")[1];
      Map<String, Object> report = awaitCompared(appPid, id, 200);
      // Every total is one more: a difference at $.total on every call, and the stamp is noise.
      assertThat(report.get("noisyPaths")).as(report.toString()).isEqualTo(List.of("$.stamp"));
      assertThat(number(report, "unexpectedDifferences")).isPositive();
      // At most the one comparison in flight on the shadow's single worker is not yet counted.
      assertThat(number(report, "equal")).as(report.toString()).isLessThanOrEqualTo(1);
      assertThat(((List<Map<String, Object>>) report.get("examples")).get(0).get("paths"))
          .isEqualTo(List.of("$.total"));
      assertThat(jlive("revert", appPid, id).exitCode()).isZero();
    }
  }

  @Test
  void aMethodWithASideEffectIsRefusedWithItsFindings() throws Exception {
    try (TargetJvm app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(ShadowApp.class).start()) {
      String appPid = Long.toString(app.pid());
      Path candidate =
          methodFile(
              "add",
              "public long add(long amount) {\n  total += amount + 0;\n  return total;\n}\n");
      CliRun refused =
          jlive(
              "patch",
              appPid,
              "dev.jlive.it.apps.ShadowApp$Tally#add(long)",
              "--method-file",
              candidate.toString(),
              "--shadow");
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      assertThat(refused.stderr())
          .contains("the shadow is refused")
          .contains("total")
          .contains("ShadowApp.java:");
      assertThat(jlive("shadow", appPid, "--json").json().get("shadows")).isEqualTo(List.of());
    }
  }

  // ---- helpers ----

  /** discountedPrice with the given bulk condition, as a one-method patch. */
  private static Path fix(String condition) throws Exception {
    return methodFile(
        "discountedPrice",
        "public static long discountedPrice(long priceCents, int quantity) {\n"
            + "  long gross = priceCents * quantity;\n"
            + "  if ("
            + condition
            + ") {\n"
            + "    return (gross * (100 - BULK_DISCOUNT_PERCENT) + 50) / 100;\n"
            + "  }\n"
            + "  return gross;\n"
            + "}\n");
  }

  private static Path methodFile(String name, String code) throws Exception {
    Path file = Artifacts.work().resolve("shadow-" + System.nanoTime()).resolve(name + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, code);
    return file;
  }

  private static String shadow(Path methodFile, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of("patch", pid, PRICING, "--method-file", methodFile.toString(), "--shadow"));
    args.addAll(List.of(options));
    CliRun run = jlive(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.stdout().split(" ")[1];
  }

  private static Map<String, Object> awaitCompared(String id, long floor) {
    return awaitCompared(pid, id, floor);
  }

  private static Map<String, Object> awaitCompared(String target, String id, long floor) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              last.set(jlive("shadow", target, id, "--json").json());
              return number(last.get(), "compared") >= floor;
            });
    return last.get();
  }

  private static long number(Map<String, Object> report, String field) {
    return ((Number) report.get(field)).longValue();
  }

  /** Every load line since the known bug was fixed, one more included, counts no error. */
  private static void assertNoShopErrors() {
    int next = afterNextLoadLine();
    List<String> lines = loadLines(cleanFrom);
    assertThat(lines).as("load lines since the fix").isNotEmpty();
    for (String line : lines) {
      Matcher matcher = LOAD_ERRORS.matcher(line);
      assertThat(matcher.find()).isTrue();
      assertThat(Long.parseLong(matcher.group(1))).as(line).isZero();
    }
    assertThat(next).isGreaterThan(cleanFrom);
  }
}

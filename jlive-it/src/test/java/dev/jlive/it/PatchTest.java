package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.apps.TwoLoadersApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.ManifestAgent;
import dev.jlive.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Patches from source and from class files, dry runs, refusals, reverts, and probes across them.
 */
@SuppressWarnings("unchecked")
class PatchTest {
  private static final String PRICER = Pricer.class.getName();
  private static final Path SOURCE = Paths.get("src/test/java/dev/jlive/it/apps/Pricer.java");
  private static TargetJvm app;
  private static String pid;
  private static String original;

  @BeforeAll
  static void start() throws Exception {
    app = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(PatchTargetApp.class).start();
    pid = Long.toString(app.pid());
    original = AgentHttp.of(app.pid()).digest(PRICER);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @AfterEach
  void revertEverything() throws Exception {
    List<Map<String, Object>> changes =
        (List<Map<String, Object>>) jlive("changes", pid, "--json").json().get("changes");
    for (int i = changes.size() - 1; i >= 0; i--) {
      Map<String, Object> change = changes.get(i);
      if (change.get("state").equals("active")) {
        assertThat(jlive("revert", pid, (String) change.get("id")).exitCode()).isZero();
      }
    }
    assertThat(AgentHttp.of(app.pid()).digest(PRICER)).isEqualTo(original);
  }

  @Test
  void aSourcePatchChangesBehaviourKeepsStateAndRevertRestoresTheBytes() throws Exception {
    String before = app.ask("price 3", "price");
    int quotes = Integer.parseInt(before.substring(before.lastIndexOf(' ') + 1));
    CliRun patch = jlive("patch", pid, source("quantity * 10", "quantity * 10 + 1").toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(patch.stdout())
        .containsPattern("patch x\\d+ applied")
        .contains(PRICER)
        .contains("price(int)");
    // The object and its field survived: the quote count goes on from where it was.
    assertThat(app.ask("price 3", "price")).isEqualTo("price 31 quotes " + (quotes + 1));
    assertThat(AgentHttp.of(app.pid()).digest(PRICER)).isNotEqualTo(original);

    String id = patch.stdout().split(" ")[1];
    CliRun diff = jlive("diff", pid, id);
    assertThat(diff.stdout())
        .contains("by " + System.getProperty("user.name"))
        .contains(PRICER + "  price(int)");
    assertThat(jlive("revert", pid, id).exitCode()).isZero();
    assertThat(app.ask("price 3", "price")).startsWith("price 30 ");
    assertThat(AgentHttp.of(app.pid()).digest(PRICER)).isEqualTo(original);
  }

  @Test
  void aDryRunSaysWhatWouldChangeAndChangesNothing() throws Exception {
    CliRun dry =
        jlive(
            "patch",
            pid,
            source("quantity * 10", "quantity * 20").toString(),
            "--dry-run",
            "--json");
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.json()).containsEntry("dryRun", true);
    assertThat(dry.stdout()).contains("\"changedMethods\": [\n        \"price(int)\"");
    assertThat(app.ask("price 2", "price")).startsWith("price 20 ");
    assertThat(AgentHttp.of(app.pid()).digest(PRICER)).isEqualTo(original);
  }

  @Test
  void compiledClassesCanBeThePatch() throws Exception {
    Path out = compiled(source("quantity * 10", "quantity * 100"));
    CliRun patch = jlive("patch", pid, "--classes", out.toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(app.ask("price 2", "price")).startsWith("price 200 ");
  }

  @Test
  void aCutClassFileIsRefusedAsNotAClassFileAndNothingChanges() throws Exception {
    Path out = compiled(source("quantity * 10", "quantity * 100"));
    Path classFile = out.resolve(PRICER.replace('.', '/') + ".class");
    byte[] whole = Files.readAllBytes(classFile);
    // Its header and constant pool whole, its methods cut off: the name reads, the class does not.
    Files.write(classFile, Arrays.copyOf(whole, whole.length - whole.length / 5));
    String original = AgentHttp.of(app.pid()).digest(PRICER);

    CliRun patch = jlive("patch", pid, "--classes", out.toString());

    assertThat(patch.exitCode()).as(patch.toString()).isEqualTo(8);
    assertThat(patch.stderr())
        .contains("the class file of " + PRICER + " is not a valid class file")
        .contains("javac -d DIR");
    assertThat(app.ask("price 2", "price")).startsWith("price 20 ");
    assertThat(AgentHttp.of(app.pid()).digest(PRICER)).isEqualTo(original);
  }

  @Test
  void probesStayInPlaceAcrossAPatchAndItsRevert() throws Exception {
    CliRun probe =
        jlive(
            "probe",
            "add",
            pid,
            PRICER + "#price",
            "--log",
            "q={quantity} -> {return}",
            "--at",
            "exit");
    assertThat(probe.exitCode()).isZero();
    String probeId = probe.stdout().split(" ")[1];
    CliRun patch = jlive("patch", pid, source("quantity * 10", "quantity * 7").toString());
    assertThat(patch.exitCode()).isZero();
    app.ask("price 2", "price");
    assertThat(jlive("revert", pid, patch.stdout().split(" ")[1]).exitCode()).isZero();
    app.ask("price 2", "price");
    CliRun tail = jlive("tail", pid, probeId, "--last", "10", "--count", "2", "--timeout", "20s");
    assertThat(tail.stdout()).contains("q=2 -> 14").contains("q=2 -> 20");
    assertThat(jlive("probe", "rm", pid, probeId).exitCode()).isZero();
  }

  @Test
  void changesTheJvmCannotApplyAreRefusedByNameAndNothingChanges() throws Exception {
    CliRun field =
        jlive(
            "patch",
            pid,
            source("private int quotes;", "private int quotes;\n  private int extra;").toString());
    assertThat(field.exitCode()).isEqualTo(8);
    assertThat(field.stderr())
        .contains("adds the field extra : int")
        .contains("a change of shape needs a restart");

    CliRun method =
        jlive(
            "patch",
            pid,
            source(
                    "public int quotes() {",
                    "public int more() {\n    return 1;\n  }\n\n  public int quotes() {")
                .toString());
    assertThat(method.stderr()).contains("adds the method more()");

    CliRun signature =
        jlive(
            "patch",
            pid,
            source("public int price(int quantity)", "public long price(int quantity)").toString());
    assertThat(signature.stderr())
        .contains("removes the method price(int)")
        .contains("adds the method price(int)");

    CliRun lambda =
        jlive(
            "patch",
            pid,
            source(
                    "return quantity * 10;",
                    "java.util.function.IntUnaryOperator times = q -> q * 10;\n    return times.applyAsInt(quantity);")
                .toString());
    assertThat(lambda.stderr())
        .contains("adds the method lambda$price$0(int)")
        .contains("a new lambda compiles to a new synthetic method");

    assertThat(app.ask("price 1", "price")).startsWith("price 10 ");
    assertThat(AgentHttp.of(app.pid()).digest(PRICER)).isEqualTo(original);
  }

  @Test
  void aSourceThatDoesNotCompileSaysWhere() throws Exception {
    CliRun run =
        jlive(
            "patch", pid, source("return quantity * 10;", "return quantity * tenfold;").toString());
    assertThat(run.exitCode()).isEqualTo(8);
    assertThat(run.stderr()).containsPattern("Pricer.java:\\d+:\\d+: error: cannot find symbol");
  }

  @Test
  void twoPatchesOnOneClassAreTakenBackNewestFirst() throws Exception {
    CliRun first = jlive("patch", pid, source("quantity * 10", "quantity * 11").toString());
    CliRun second = jlive("patch", pid, source("quantity * 10", "quantity * 12").toString());
    String firstId = first.stdout().split(" ")[1];
    String secondId = second.stdout().split(" ")[1];
    assertThat(app.ask("price 1", "price")).startsWith("price 12 ");

    CliRun tooEarly = jlive("revert", pid, firstId);
    assertThat(tooEarly.exitCode()).isEqualTo(8);
    assertThat(tooEarly.stderr())
        .contains("patch " + secondId + " changed " + PRICER + " after " + firstId)
        .contains("revert " + secondId + " first");

    assertThat(jlive("revert", pid, secondId).exitCode()).isZero();
    assertThat(app.ask("price 1", "price")).startsWith("price 11 ");
    assertThat(jlive("revert", pid, firstId).exitCode()).isZero();
    assertThat(app.ask("price 1", "price")).startsWith("price 10 ");
  }

  @Test
  void aClassThatIsNotLoadedCannotBePatched() throws Exception {
    Path other = Artifacts.work().resolve("patch-" + System.nanoTime()).resolve("Unloaded.java");
    Files.createDirectories(other.getParent());
    Files.writeString(other, "package dev.jlive.it.apps;\npublic class Unloaded {}\n");
    CliRun run = jlive("patch", pid, other.toString());
    assertThat(run.exitCode()).isEqualTo(8);
    assertThat(run.stderr()).contains("class dev.jlive.it.apps.Unloaded is not loaded");
  }

  @Test
  void oneMethodCanBePatchedWithoutTheClassSource() throws Exception {
    String before = app.ask("price 1", "price");
    int quotes = Integer.parseInt(before.substring(before.lastIndexOf(' ') + 1));
    Path method = Artifacts.work().resolve("method-" + System.nanoTime() + ".java");
    // Fields by simple name, private ones too, as in the class itself.
    Files.writeString(
        method,
        "public int price(int quantity) {\n  quotes += 2;\n  return quantity * 10 + quotes();\n}\n");
    CliRun patch = jlive("patch", pid, PRICER + "#price(int)", "--method-file", method.toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(app.ask("price 1", "price"))
        .isEqualTo("price " + (10 + quotes + 2) + " quotes " + (quotes + 2));

    Path lambda = Artifacts.work().resolve("lambda-" + System.nanoTime() + ".java");
    Files.writeString(
        lambda,
        "public int price(int quantity) {\n  java.util.function.IntSupplier s = () -> quantity;\n  return s.getAsInt();\n}\n");
    CliRun refused =
        jlive("patch", pid, PRICER + "#price(int)", "--method-file", lambda.toString());
    assertThat(refused.exitCode()).isEqualTo(8);
    assertThat(refused.stderr()).contains("a lambda (lambda$price$0)");

    Path broken = Artifacts.work().resolve("broken-" + System.nanoTime() + ".java");
    Files.writeString(
        broken, "public int price(int quantity) {\n  return quantity * unknown;\n}\n");
    CliRun error = jlive("patch", pid, PRICER + "#price(int)", "--method-file", broken.toString());
    assertThat(error.stderr())
        .contains("the method does not compile: line 2")
        .contains("cannot find symbol");
  }

  @Test
  void aClassLoadedByTwoLoadersNeedsTheLoaderNamed() throws Exception {
    try (TargetJvm twice =
        TargetJvm.on(Jdk.JAVA_17).javaagent("").main(TwoLoadersApp.class).start()) {
      String twicePid = Long.toString(twice.pid());
      Path patched = source("quantity * 10", "quantity * 3");
      CliRun ambiguous = jlive("patch", twicePid, patched.toString());
      assertThat(ambiguous.exitCode()).isEqualTo(8);
      assertThat(ambiguous.stderr())
          .contains(PRICER + " is loaded by 2 class loaders")
          .contains("java.net.URLClassLoader@")
          .contains("--loader");

      CliRun classes = jlive("classes", twicePid, PRICER, "--json");
      String loader =
          ((List<Map<String, Object>>) classes.json().get("classes"))
              .get(0)
              .get("loader")
              .toString();
      String loaderId = loader.contains(" ") ? loader.substring(0, loader.indexOf(' ')) : loader;
      CliRun chosen = jlive("patch", twicePid, patched.toString(), "--loader", loaderId);
      assertThat(chosen.exitCode()).as(chosen.toString()).isZero();
      assertThat(twice.ask("2", "prices")).isIn("prices 6 20", "prices 20 6");
    }
  }

  /**
   * The agent keeps which classes have a name between patches instead of scanning every loaded
   * class each time (LoadedClasses); a class of that name defined later must still be seen. The
   * negative control switches the tracking of definitions off (test-only property): the kept answer
   * then misses the second loader's Pricer, and the patch goes to the first one alone.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aClassLoadedByASecondLoaderAfterAPatchIsSeenByTheNextPatch(boolean track) throws Exception {
    try (TargetJvm late =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-Djlive.loadedClasses.track=" + track)
            .javaagent("")
            .main(TwoLoadersApp.class, "late")
            .start()) {
      String latePid = Long.toString(late.pid());
      Path patched = source("quantity * 10", "quantity * 3");
      CliRun first = jlive("patch", latePid, patched.toString(), "--json");
      assertThat(first.exitCode()).as(first.toString()).isZero();
      assertThat(late.ask("2", "prices")).isEqualTo("prices 6");
      CliRun revert = jlive("revert", latePid, (String) first.json().get("id"));
      assertThat(revert.exitCode()).as(revert.toString()).isZero();

      late.ask("load", "loaded");
      assertTheNextPatchSeesBothPricers(track, late, patched);
    }
  }

  /**
   * The race the ring of recent definitions closes: a second loader's Pricer whose definition
   * jlive's transformer has seen, but which is not defined yet when the first patch looks the name
   * up (a transformer after jlive's holds it). The answer made then lists one Pricer; the next
   * patch must still see the second once it is defined. The negative control (tracking off) keeps
   * the first answer and patches the first loader's Pricer alone.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aClassWhoseDefinitionWasUnderWayAtTheFirstLookupIsSeenByTheNextPatch(
      boolean track, @TempDir Path dir) throws Exception {
    Path holder = ManifestAgent.jar(dir.resolve("holder.jar"), TwoLoadersApp.class);
    try (TargetJvm late =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-Djlive.loadedClasses.track=" + track)
            // jlive first: each agent's retransforming transformers are called in the order the
            // agents were loaded, and the holder's must come after jlive's.
            .javaagent("")
            .jvmArg("-javaagent:" + holder)
            .main(TwoLoadersApp.class, "late")
            .start()) {
      String latePid = Long.toString(late.pid());
      assertThat(jlive("changes", latePid).exitCode()).isZero();
      assertThat(late.ask("slow-load", "defining")).isEqualTo("defining");
      Path patched = source("quantity * 10", "quantity * 3");
      CliRun first = jlive("patch", latePid, patched.toString(), "--json");
      assertThat(first.exitCode()).as(first.toString()).isZero();
      assertThat(late.ask("release", "loaded")).isEqualTo("loaded 2");
      CliRun revert = jlive("revert", latePid, (String) first.json().get("id"));
      assertThat(revert.exitCode()).as(revert.toString()).isZero();

      assertTheNextPatchSeesBothPricers(track, late, patched);
    }
  }

  /**
   * With tracking, the patch sees the second loader's Pricer and is refused (it must be told which
   * loader's); without, the kept answer sends it to the first loader's Pricer alone.
   */
  private static void assertTheNextPatchSeesBothPricers(boolean track, TargetJvm late, Path patched)
      throws Exception {
    CliRun second = jlive("patch", Long.toString(late.pid()), patched.toString());
    if (track) {
      assertThat(second.exitCode()).as(second.toString()).isEqualTo(8);
      assertThat(second.stderr()).contains(PRICER + " is loaded by 2 class loaders");
      assertThat(late.ask("2", "prices")).isEqualTo("prices 20 20");
    } else {
      assertThat(second.exitCode()).as(second.toString()).isZero();
      assertThat(late.ask("2", "prices")).isEqualTo("prices 6 20");
    }
  }

  /** A copy of Pricer.java with one piece of text replaced, in a fresh folder. */
  /** Pricer's source with {@code from} replaced by {@code to}, written to a fresh folder. */
  /** A folder with the class files javac wrote for {@code sources}. */
  private static Path compiled(Path sources) throws Exception {
    Path out = Files.createTempDirectory(Artifacts.work(), "classes");
    int javac =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", out.toString(), sources.toString());
    assertThat(javac).isZero();
    return out;
  }

  static Path source(String from, String to) throws Exception {
    String code = Files.readString(SOURCE, StandardCharsets.UTF_8);
    assertThat(code).contains(from);
    Path file = Artifacts.work().resolve("patch-" + System.nanoTime()).resolve("Pricer.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, code.replace(from, to));
    return file;
  }
}

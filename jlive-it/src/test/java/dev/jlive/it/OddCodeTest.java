package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.odd.OddCodeApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Odd code, probed and patched in a forked JVM on Java 17 and 25: records, enums with constant
 * bodies, default and inherited methods, bridges, lambdas, synchronized methods, constructors, a
 * method at the 64 KB limit, a class without debug information, JDK and generated proxies, JDK
 * classes. Each probe must count one call per logical call and leave the app's answers as they
 * were; each patch must change the answer and its revert bring it back; each refusal must say why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class OddCodeTest {
  private static final String ODD = "dev.jlive.it.apps.odd.";
  private static final Path SOURCES = Paths.get("src/test/java/dev/jlive/it/apps/odd");

  /** Calls per command: even, so that "half through the bridge, half direct" splits evenly. */
  private static final int CALLS = 6;

  /**
   * Straight-line instructions of 4 bytes each: the method is 65534 bytes, one under the JVM's
   * limit.
   */
  private static final int BIG_STEPS = 16_383;

  private final Map<Jdk, TargetJvm> apps = new EnumMap<>(Jdk.class);
  private Path generated;

  @BeforeAll
  void generateClasses() throws Exception {
    generated = Files.createTempDirectory(Artifacts.work(), "odd-classes");
    Path dir = Files.createDirectories(generated.resolve("dev/jlive/it/apps/odd"));
    Files.write(dir.resolve("BigMethod.class"), bigMethod(Opcodes.ICONST_1));
    Path source = Artifacts.work().resolve("nodebug-" + System.nanoTime()).resolve("NoDebug.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, noDebugSource("hi "));
    int javac =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-g:none",
                "--release",
                "17",
                "-d",
                generated.toString(),
                source.toString());
    assertThat(javac).isZero();
  }

  @AfterAll
  void stopApps() throws Exception {
    for (TargetJvm app : apps.values()) {
      app.close();
    }
  }

  private TargetJvm app(Jdk jdk) throws Exception {
    TargetJvm app = apps.get(jdk);
    if (app == null) {
      app =
          TargetJvm.on(jdk)
              .javaagent("")
              .jvmArg("-Dnet.bytebuddy.experimental=true")
              .classPath(Artifacts.classPathWith(ByteBuddy.class) + File.pathSeparator + generated)
              .main(OddCodeApp.class)
              .start();
      apps.put(jdk, app);
    }
    return app;
  }

  // ---- probes ----

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void recordMethodsAndAccessorsAreProbedAndPatched(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    assertThat(counted(app, ODD + "Point#sum", "point", "point 5")).isEqualTo(CALLS);
    assertThat(counted(app, ODD + "Point#x", "point", "point 5")).isEqualTo(CALLS);
    patchedAndReverted(
        app,
        "Point.java",
        "Point",
        "return x() + y();",
        "return x() + y() + 100;",
        "point",
        "point 5",
        "point 105");
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void enumMethodsAndConstantBodiesAreProbedAndPatched(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    assertThat(counted(app, ODD + "Op#twice", "op", "op 9")).isEqualTo(CALLS);
    // Op#apply is abstract: it stands for the constant bodies Op$1 and Op$2, where the code is.
    assertThat(counted(app, ODD + "Op#apply", "op", "op 9")).isEqualTo(CALLS);
    patchedAndReverted(
        app, "Op.java", "Op$2", "return a * b;", "return a * b + 1;", "op", "op 9", "op 10");
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aMethodDeclaredInASuperInterfaceIsFoundThroughTheSubInterface(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    CliRun add = addCount(app, ODD + "Handlers$Handler#handle");
    assertThat(add.stdout()).contains(ODD + "Handlers$EchoHandler").contains("inherits");
    assertThat(callsAfter(app, add, "handle", "handle echo:x")).isEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aMethodInheritedFromASuperclassIsProbedWhereItsCodeIs(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    assertThat(app.ask("describe 1", "describe ")).isEqualTo("describe base");
    CliRun add = addCount(app, ODD + "Handlers$Derived#describe");
    assertThat(add.stdout())
        .contains("note: " + ODD + "Handlers$Derived inherits")
        .contains("the probe is on " + ODD + "Handlers$Base");
    assertThat(callsAfter(app, add, "describe", "describe base")).isEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void anInheritedDefaultMethodIsProbedAndPatchedInItsInterface(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    assertThat(app.ask("please 1", "please ")).isEqualTo("please tea, please");
    CliRun add = addCount(app, ODD + "Politeness$Polite#please");
    assertThat(add.stdout()).contains("the probe is on " + ODD + "Politeness,");
    assertThat(callsAfter(app, add, "please", "please tea, please")).isEqualTo(CALLS);
    patchedAndReverted(
        app,
        "Politeness.java",
        "Politeness",
        "what + \", please\"",
        "what + \", now\"",
        "please",
        "please tea, please",
        "please tea, now");
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aBridgeAndItsMethodCountEachCallOnce(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    // Half the calls go through Comparable (the bridge compareTo(Object), which calls
    // compareTo(Money)).
    CliRun loose = addCount(app, ODD + "Money#compareTo");
    assertThat(loose.stdout())
        .contains("compiler bridge")
        .contains("only compareTo(" + ODD + "Money) is probed");
    assertThat(callsAfter(app, loose, "money", "money 1")).isEqualTo(CALLS);
    CliRun bridge = addCount(app, ODD + "Money#compareTo(java.lang.Object)");
    assertThat(bridge.stdout()).contains("compiler bridge");
    assertThat(callsAfter(app, bridge, "money", "money 1")).isEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aLambdaBodyIsProbedAsItsSyntheticMethod(Jdk jdk) throws Exception {
    assertThat(counted(app(jdk), ODD + "Lambdas#lambda$*", "lambda", "lambda 6")).isEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void synchronizedMethodsAreProbedAndPatched(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    int before = Integer.parseInt(app.ask("counter 1", "counter ").substring(8));
    CliRun add = addCount(app, ODD + "Counter#next");
    assertThat(callsAfter(app, add, "counter", "counter " + (before + CALLS))).isEqualTo(CALLS);
    CliRun patch =
        jlive(
            "patch",
            pid(app),
            patchedSource("Counter.java", "value += 1;", "value += 10;").toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(app.ask("counter 1", "counter ")).isEqualTo("counter " + (before + CALLS + 10));
    assertThat(jlive("revert", pid(app), changeId(patch)).exitCode()).isZero();
    assertThat(app.ask("counter 1", "counter ")).isEqualTo("counter " + (before + CALLS + 11));
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void constructorsAreProbedAndPatched(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    assertThat(counted(app, ODD + "Widget#<init>", "widget", "widget 6")).isEqualTo(CALLS);
    patchedAndReverted(
        app,
        "Widget.java",
        "Widget",
        "clamped * 2",
        "clamped * 3",
        "widget",
        "widget 6",
        "widget 9");
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aJdkProxyIsNotCountedBesideTheImplementationItCalls(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    // Half the calls go through a JDK proxy whose handler calls FriendlyGreeter: one call each.
    CliRun add = addCount(app, ODD + "Greeters$Greeter#greet");
    assertThat(add.stdout()).contains("FriendlyGreeter").doesNotContain("$Proxy");
    assertThat(callsAfter(app, add, "greet", "greet hello x")).isEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aGeneratedSubclassCallsTheProbedMethodOnce(Jdk jdk) throws Exception {
    assertThat(counted(app(jdk), ODD + "Greeters$Service#greet", "subclass", "subclass hi x"))
        .isEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void jdkClassesAreRefusedUnlessAskedFor(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    CliRun refused = jlive("probe", "add", pid(app), "java.util.BitSet#flip(int)", "--count");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.stderr())
        .contains("java.util.BitSet is a JDK class")
        .contains("--allow-jdk");
    CliRun allowed =
        jlive("probe", "add", pid(app), "java.util.BitSet#flip(int)", "--count", "--allow-jdk");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
    assertThat(callsAfter(app, allowed, "bits", "bits false")).isGreaterThanOrEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aMethodAtThe64KbLimitIsRefusedAndKeepsRunning(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    assertThat(app.ask("big 1", "big ")).isEqualTo("big " + BIG_STEPS);
    String digest = AgentHttp.of(app.pid()).digest(ODD + "BigMethod");
    CliRun refused = jlive("probe", "add", pid(app), ODD + "BigMethod#compute", "--count");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.stderr()).contains("was refused, nothing changed").contains("64 KB");
    assertThat(app.ask("big 1", "big ")).isEqualTo("big " + BIG_STEPS);
    assertThat(AgentHttp.of(app.pid()).digest(ODD + "BigMethod")).isEqualTo(digest);
    assertThat(jlive("probe", "list", pid(app), "--json").stdout()).doesNotContain("BigMethod");

    Path patchClasses = Files.createTempDirectory(Artifacts.work(), "big-patch");
    Files.write(
        Files.createDirectories(patchClasses.resolve("dev/jlive/it/apps/odd"))
            .resolve("BigMethod.class"),
        bigMethod(Opcodes.ICONST_2));
    CliRun patch = jlive("patch", pid(app), "--classes", patchClasses.toString());
    assertThat(patch.exitCode()).as(patch.toString()).isNotZero();
    assertThat(patch.stderr()).contains("nothing changed").contains("65535");
    assertThat(app.ask("big 1", "big ")).isEqualTo("big " + BIG_STEPS);
    assertThat(AgentHttp.of(app.pid()).digest(ODD + "BigMethod")).isEqualTo(digest);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aClassWithoutDebugInformationIsProbedByPositionAndPatched(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    assertThat(app.ask("nodebug 1", "nodebug ")).isEqualTo("nodebug hi x");
    CliRun line = jlive("probe", "add", pid(app), ODD + "NoDebug#greet", "--line", "4", "--count");
    assertThat(line.exitCode()).isNotZero();
    assertThat(line.stderr()).contains("no line numbers");
    CliRun byName = jlive("probe", "add", pid(app), ODD + "NoDebug#greet", "--log", "{name}");
    assertThat(byName.exitCode()).isNotZero();
    assertThat(byName.stderr()).contains("args[N]");
    assertThat(counted(app, ODD + "NoDebug#greet", "nodebug", "nodebug hi x")).isEqualTo(CALLS);

    Path source =
        Artifacts.work().resolve("nodebug-patch-" + System.nanoTime()).resolve("NoDebug.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, noDebugSource("hey "));
    CliRun patch = jlive("patch", pid(app), source.toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(app.ask("nodebug 1", "nodebug ")).isEqualTo("nodebug hey x");
    assertThat(jlive("revert", pid(app), changeId(patch)).exitCode()).isZero();
    assertThat(app.ask("nodebug 1", "nodebug ")).isEqualTo("nodebug hi x");
  }

  /**
   * The defect seen on a real application: a line probe where a long local's two assignments meet
   * failed with a VerifyError, and then so did every later change of that class.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aLineProbeAfterALongLocalLeavesLaterChangesWorking(Jdk jdk) throws Exception {
    TargetJvm app = app(jdk);
    int line = lineOf("Ledger.java", "// probed line");
    CliRun probe =
        jlive(
            "probe",
            "add",
            pid(app),
            ODD + "Ledger#doubled",
            "--line",
            Integer.toString(line),
            "--log",
            "value={value}",
            // Not about budgets: a loaded machine's slow first call must not disable the probe
            // mid-test.
            "--cpu",
            "100");
    assertThat(probe.exitCode()).as(probe.toString()).isZero();
    String probeId = changeId(probe);
    assertThat(app.ask("ledger 1", "ledger ")).isEqualTo("ledger 42");

    // The patch moves the long into other slots (a new int comes first), on the same lines.
    CliRun patch =
        jlive(
            "patch",
            pid(app),
            patchedSource(
                    "Ledger.java",
                    "long value;",
                    "int extra = 1; long value;",
                    "value * 2",
                    "value * 3 * extra")
                .toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    CliRun second = addCount(app, ODD + "Ledger#doubled");
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(app.ask("ledger 1", "ledger ")).isEqualTo("ledger 63");
    assertThat(jlive("revert", pid(app), changeId(patch)).exitCode()).isZero();
    assertThat(app.ask("ledger 1", "ledger ")).isEqualTo("ledger 42");

    // Before the patch, under it (the long in its new slots) and after the revert, the line probe
    // saw the value.
    CliRun tail =
        jlive("tail", pid(app), probeId, "--last", "10", "--count", "3", "--timeout", "20s");
    assertThat(tail.stdout().lines().filter(event -> event.contains("value=21")).count())
        .as(tail.stdout())
        .isEqualTo(3);
    assertThat(jlive("probe", "rm", pid(app), changeId(second)).exitCode()).isZero();
    assertThat(jlive("probe", "rm", pid(app), probeId).exitCode()).isZero();
  }

  // ---- helpers ----

  /**
   * Adds a count probe, makes CALLS calls, checks the answer is unchanged, removes the probe: the
   * calls it counted.
   */
  private static long counted(TargetJvm app, String selector, String command, String answer)
      throws Exception {
    assertThat(app.ask(command + " 1", command + " ")).isEqualTo(answer);
    return callsAfter(app, addCount(app, selector), command, answer);
  }

  private static CliRun addCount(TargetJvm app, String selector) {
    CliRun add = jlive("probe", "add", pid(app), selector, "--count");
    assertThat(add.exitCode()).as(add.toString()).isZero();
    return add;
  }

  private static long callsAfter(TargetJvm app, CliRun add, String command, String answer)
      throws Exception {
    String id = changeId(add);
    assertThat(app.ask(command + " " + CALLS, command + " ")).isEqualTo(answer);
    Map<String, Object> metrics =
        ((List<Map<String, Object>>) jlive("metrics", pid(app), id, "--json").json().get("probes"))
            .get(0);
    assertThat(jlive("probe", "rm", pid(app), id).exitCode()).isZero();
    return ((Number) metrics.get("calls")).longValue();
  }

  /**
   * Patches {@code file} from source, checks the answer changes, reverts, checks the answer and the
   * class's bytes are back.
   */
  private static void patchedAndReverted(
      TargetJvm app,
      String file,
      String changedClass,
      String from,
      String to,
      String command,
      String before,
      String after)
      throws Exception {
    String digest = AgentHttp.of(app.pid()).digest(ODD + changedClass);
    CliRun patch = jlive("patch", pid(app), patchedSource(file, from, to).toString());
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(app.ask(command + " 1", command + " ")).isEqualTo(after);
    CliRun revert = jlive("revert", pid(app), changeId(patch));
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
    assertThat(app.ask(command + " 1", command + " ")).isEqualTo(before);
    assertThat(AgentHttp.of(app.pid()).digest(ODD + changedClass)).isEqualTo(digest);
  }

  /** "probe p3 added: ..." or "patch x2 applied ...": the id is the second word. */
  private static String changeId(CliRun run) {
    return run.stdout().split(" ")[1];
  }

  private static String pid(TargetJvm app) {
    return Long.toString(app.pid());
  }

  /**
   * The app's source of {@code file} with each {@code from} replaced by the {@code to} after it.
   */
  private static Path patchedSource(String file, String... fromTo) throws Exception {
    String code = Files.readString(SOURCES.resolve(file), StandardCharsets.UTF_8);
    for (int i = 0; i < fromTo.length; i += 2) {
      assertThat(code).contains(fromTo[i]);
      code = code.replace(fromTo[i], fromTo[i + 1]);
    }
    Path patched = Artifacts.work().resolve("odd-patch-" + System.nanoTime()).resolve(file);
    Files.createDirectories(patched.getParent());
    Files.writeString(patched, code);
    return patched;
  }

  private static int lineOf(String file, String marker) throws Exception {
    List<String> lines = Files.readAllLines(SOURCES.resolve(file));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(marker + " not in " + file);
  }

  private static String noDebugSource(String greeting) {
    return "package dev.jlive.it.apps.odd;\n"
        + "public class NoDebug {\n"
        + "  public String greet(String name) {\n"
        + "    String greeting = \""
        + greeting
        + "\";\n"
        + "    return greeting + name;\n"
        + "  }\n"
        + "}\n";
  }

  /**
   * static int compute(int x): x + step, BIG_STEPS times, in straight-line code just under the 64
   * KB limit.
   */
  private static byte[] bigMethod(int stepOpcode) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER,
        "dev/jlive/it/apps/odd/BigMethod",
        null,
        "java/lang/Object",
        null);
    MethodVisitor compute =
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "compute", "(I)I", null, null);
    compute.visitCode();
    for (int i = 0; i < BIG_STEPS; i++) {
      compute.visitVarInsn(Opcodes.ILOAD, 0);
      compute.visitInsn(stepOpcode);
      compute.visitInsn(Opcodes.IADD);
      compute.visitVarInsn(Opcodes.ISTORE, 0);
    }
    compute.visitVarInsn(Opcodes.ILOAD, 0);
    compute.visitInsn(Opcodes.IRETURN);
    compute.visitMaxs(0, 0);
    compute.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.ProbeTargetApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.LiveChanges;
import dev.jlive.it.support.SuspendProbes;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.itapps.kotlin.KotlinApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Probes in a JVM whose boot loader holds an older bridge: the bridge stays for the JVM's life, so
 * a JVM that an older jlive was attached to first keeps a bridge without {@code
 * JLiveBridge.dispatcher()} and {@code JLiveBridge.probeDispatcher}, which this agent's advice
 * calls. The agent must see that and weave advice that calls the bridge's static methods instead.
 */
class OlderBridgeTest {
  private static final String CALCULATOR = ProbeTargetApp.Calculator.class.getName();

  @TempDir Path work;

  @Test
  void probesCountTimeAndLogWithAnOlderBridge() throws Exception {
    try (TargetJvm app = withOlderBridge().start()) {
      assertCountedTimedAndLogged(app);
    }
  }

  /**
   * A bridge that hands out its dispatcher but cannot link a site's own ({@code probeDispatcher}):
   * the advice reads {@code JLiveBridge.dispatcher()} and the dispatcher finds the site by slot.
   */
  @Test
  void probesCountTimeAndLogWithABridgeThatCannotLinkSites() throws Exception {
    try (TargetJvm app = withBridgeWithout(Set.of("probeDispatcher")).start()) {
      assertCountedTimedAndLogged(app);
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertCountedTimedAndLogged(TargetJvm app) throws Exception {
    Map<String, Object> metrics = probeAndCall(app);
    assertThat(metrics.get("calls")).isEqualTo(6L);
    assertThat(((Map<String, Object>) metrics.get("latency")).get("count")).isEqualTo(6L);
    assertThat((Map<String, Object>) metrics.get("exceptions"))
        .containsEntry("java.lang.ArithmeticException", 2L);
    CliRun tail =
        jlive(
            "tail",
            Long.toString(app.pid()),
            "p2",
            "--last",
            "10",
            "--count",
            "1",
            "--timeout",
            "20s");
    assertThat(tail.stdout()).contains("add(int,int) entry: a=2");
    // The exit log reads the receiver and arguments its entry kept (ProbeAdvice.Exit).
    CliRun exits =
        jlive(
            "tail",
            Long.toString(app.pid()),
            "p3",
            "--last",
            "10",
            "--count",
            "3",
            "--timeout",
            "20s");
    assertThat(exits.stdout()).contains("a=0 b=1 -> 1 in \"calc\"", "a=2 b=1 -> 3 in \"calc\"");
  }

  /** The negative control: the current advice woven with the older bridge reaches nothing. */
  @Test
  void currentAdviceWithAnOlderBridgeWouldCountNothing() throws Exception {
    try (TargetJvm app = withOlderBridge().jvmArg("-Djlive.probe.adviceDispatch=direct").start()) {
      Map<String, Object> metrics = probeAndCall(app);
      assertThat(metrics.get("calls")).isEqualTo(0L);
    }
  }

  /**
   * A Kotlin suspend function with a bridge whose dispatcher predates {@code suspendEnter}: the
   * agent weaves the full advice, which hands the dispatcher every argument, so logical calls are
   * still counted, and timed from their first fragment to their completion.
   */
  @Test
  void suspendFunctionsAreCountedAndTimedWithADispatcherThatTakesNoContinuation() throws Exception {
    try (TargetJvm app = withDispatcherWithoutContinuations().start()) {
      LiveChanges jlive = LiveChanges.of(app);
      jlive.attach();
      SuspendProbes.countAndTime(jlive);
    }
  }

  /**
   * The negative control: the continuation-only advice ({@code ProbeAdvice.SuspendEntry}) woven
   * with that bridge calls a method its dispatcher does not have, and counts nothing.
   */
  @Test
  void continuationOnlyAdviceWithThatBridgeWouldCountNothing() throws Exception {
    try (TargetJvm app =
        withDispatcherWithoutContinuations()
            .jvmArg("-Djlive.probe.adviceDispatch=direct")
            .start()) {
      LiveChanges jlive = LiveChanges.of(app);
      jlive.attach();
      String count = jlive.probe(SuspendProbes.GREET, "--count");
      // Past the callers the count would see: greet runs about 200 times a second.
      String resumes = jlive.probe(SuspendProbes.RESUMES, "--count");
      await().atMost(Duration.ofSeconds(60)).until(() -> jlive.hits(resumes) >= 50);
      assertThat(jlive.hits(count)).isZero();
    }
  }

  private TargetJvm.Builder withDispatcherWithoutContinuations() throws IOException {
    return onBridge(olderBridgeJar(Set.of(), Set.of("suspendEnter", "suspendExit")))
        .classPath(SuspendProbes.classPath())
        .main(KotlinApp.class);
  }

  /**
   * A metrics probe on divide, and an entry and an exit log probe on add; divide called 6 times,
   * add 3 times.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> probeAndCall(TargetJvm app) throws Exception {
    String pid = Long.toString(app.pid());
    assertThat(jlive("attach", pid).exitCode()).isZero();
    CliRun metrics =
        jlive("probe", "add", pid, CALCULATOR + "#divide", "--metrics", "--time-one-in", "1");
    assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
    CliRun log =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#add(int,int)",
            "--log",
            "a={a}",
            "--when",
            "a == 2");
    assertThat(log.exitCode()).as(log.toString()).isZero();
    CliRun exitLog =
        jlive(
            "probe",
            "add",
            pid,
            CALCULATOR + "#add(int,int)",
            "--log",
            "a={a} b={b} -> {return} in {this.name}",
            "--at",
            "exit");
    assertThat(exitLog.exitCode()).as(exitLog.toString()).isZero();
    assertThat(app.ask("divide 6", "divide done")).endsWith("failures=2");
    assertThat(app.ask("add 3", "add done")).isEqualTo("add done sum=6");
    return ((List<Map<String, Object>>) jlive("metrics", pid, "p1", "--json").json().get("probes"))
        .get(0);
  }

  private TargetJvm.Builder withOlderBridge() throws IOException {
    return withBridgeWithout(Set.of("dispatcher", "probeDispatcher"));
  }

  private TargetJvm.Builder withBridgeWithout(Set<String> methods) throws IOException {
    return onBridge(olderBridgeJar(methods, Set.of())).main(ProbeTargetApp.class);
  }

  private static TargetJvm.Builder onBridge(Path bridge) {
    // Sharing off: with the boot class path appended, HotSpot would say it turned sharing off.
    return TargetJvm.on(Jdk.JAVA_17).jvmArg("-Xshare:off").jvmArg("-Xbootclasspath/a:" + bridge);
  }

  /**
   * This build's bridge without {@code methods} of {@code JLiveBridge} and {@code
   * dispatcherMethods} of its {@code Dispatcher}: what a JVM keeps from an older jlive.
   */
  private Path olderBridgeJar(Set<String> methods, Set<String> dispatcherMethods)
      throws IOException {
    Path jar = work.resolve("older-bridge.jar");
    try (JarFile agent = new JarFile(Artifacts.agentJar().toFile());
        OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (String name : List.of("JLiveBridge", "JLiveBridge$Dispatcher")) {
        byte[] bytes;
        try (InputStream in =
            agent.getInputStream(
                agent.getJarEntry("jlive-boot/dev/jlive/bridge/" + name + ".classdata"))) {
          bytes = in.readAllBytes();
        }
        out.putNextEntry(new JarEntry("dev/jlive/bridge/" + name + ".class"));
        out.write(without(name.equals("JLiveBridge") ? methods : dispatcherMethods, bytes));
        out.closeEntry();
      }
    }
    return jar;
  }

  private static byte[] without(Set<String> methods, byte[] bridge) {
    ClassReader reader = new ClassReader(bridge);
    ClassWriter writer = new ClassWriter(0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            if (methods.contains(name)) {
              return null;
            }
            return super.visitMethod(access, name, descriptor, signature, exceptions);
          }
        },
        0);
    return writer.toByteArray();
  }
}

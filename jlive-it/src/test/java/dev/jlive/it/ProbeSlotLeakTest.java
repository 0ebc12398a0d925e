package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.SlotLeakApp;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * An add that fails gives back every probe dispatcher slot it took: a service whose users keep
 * trying a probe that cannot go in must not grow the probe table with each try. Checked on a real
 * JVM with the real agent, through what the agent reports ({@code GET /v1/info}: {@code
 * agent.probeSlots}, the table's length, and {@code agent.probeSlotsInUse}), for each way an add
 * fails after it took slots: a condition that does not compile, a template that fits only some of
 * the classes, a method the probe's code does not fit in.
 *
 * <p>Each test has a JVM of its own, since the table is what it is about: a freed slot is issued
 * again only a minute later, so in a fresh JVM a table longer than before the tries shows that the
 * tries took slots before they failed (a refusal before any slot is taken would prove nothing), and
 * none in use shows that they gave them back. The control: a probe that went in holds its slots,
 * and gives them back when removed.
 */
@SuppressWarnings("unchecked")
class ProbeSlotLeakTest {
  private static final int TRIES = 5;
  private static final String APP = SlotLeakApp.class.getName();

  /** Shop, Clock and Depot: a template with {@code {quantity}} does not fit Clock's. */
  private static final String EVERY_WORK = APP + "$*#work";

  /**
   * Straight-line instructions of 4 bytes each: the method is 65534 bytes, one under the JVM's
   * limit (as in {@link OddCodeTest}).
   */
  private static final int BIG_STEPS = 16_383;

  private static Path generated;
  private TargetJvm app;
  private String pid;

  @BeforeAll
  static void generateBigMethod() throws IOException {
    generated = Files.createTempDirectory(Artifacts.work(), "slot-leak-classes");
    Path dir = Files.createDirectories(generated.resolve("dev/jlive/it/apps/generated"));
    Files.write(dir.resolve("BigMethod.class"), bigMethod());
  }

  @BeforeEach
  void start() throws Exception {
    app =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("")
            .classPath(Artifacts.classPathWith() + File.pathSeparator + generated)
            .main(SlotLeakApp.class)
            .start();
    pid = Long.toString(app.pid());
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> agent() != null);
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void aConditionThatDoesNotCompileGivesItsSlotsBack() throws Exception {
    long tableBefore = slots();
    refusedEachTime(
        "noSuchVariable",
        APP + "$Shop#work",
        "--log",
        "q={quantity}",
        "--when",
        "noSuchVariable > 0");
    assertSlotsWereTakenAndAllGivenBack(tableBefore);
  }

  @Test
  void aTemplateThatFitsOnlySomeClassesGivesTheSlotsOfTheOthersBack() throws Exception {
    long tableBefore = slots();
    refusedEachTime("the template names 'quantity'", EVERY_WORK, "--log", "q={quantity}");
    assertSlotsWereTakenAndAllGivenBack(tableBefore);
  }

  @Test
  void aMethodTheProbeDoesNotFitInGivesItsSlotBack() throws Exception {
    long tableBefore = slots();
    refusedEachTime("64 KB", SlotLeakApp.BIG_METHOD + "#compute", "--count");
    assertSlotsWereTakenAndAllGivenBack(tableBefore);
  }

  /** The control: the count sees the slots of a probe that went in, until it is removed. */
  @Test
  void aProbeThatWentInHoldsItsSlotsUntilRemoved() throws Exception {
    CliRun added = jlive("probe", "add", pid, EVERY_WORK, "--count");
    assertThat(added.exitCode()).as(added.toString()).isZero();
    String id = added.stdout().split(" ")[1];
    assertThat(agent()).containsEntry("probeSlotsInUse", 3L);

    CliRun removed = jlive("probe", "rm", pid, id);
    assertThat(removed.exitCode()).as(removed.toString()).isZero();
    assertThat(agent()).containsEntry("probeSlotsInUse", 0L);
  }

  private void refusedEachTime(String why, String selector, String... options) {
    List<String> args = new ArrayList<>(List.of("probe", "add", pid, selector));
    args.addAll(List.of(options));
    for (int i = 0; i < TRIES; i++) {
      CliRun refused = jlive(args.toArray(new String[0]));
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      assertThat(refused.stderr()).as(refused.toString()).contains(why);
    }
    assertThat(jlive("probe", "list", pid, "--json").stdout()).doesNotContain("work", "compute");
  }

  private void assertSlotsWereTakenAndAllGivenBack(long tableBefore) throws Exception {
    Map<String, Object> agent = agent();
    assertThat(((Number) agent.getOrDefault("probeSlots", 0L)).longValue())
        .as(
            "the probe table's length after %d refused adds: the adds took slots (%s)",
            TRIES, agent)
        .isGreaterThan(tableBefore);
    assertThat(agent).containsEntry("probeSlotsInUse", 0L);
  }

  /** The probe table's length; the agent leaves it out while it is 0. */
  private long slots() throws Exception {
    return ((Number) agent().getOrDefault("probeSlots", 0L)).longValue();
  }

  private Map<String, Object> agent() throws Exception {
    return (Map<String, Object>) AgentHttp.of(app.pid()).json("/v1/info").get("agent");
  }

  private static byte[] bigMethod() {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER,
        SlotLeakApp.BIG_METHOD.replace('.', '/'),
        null,
        "java/lang/Object",
        null);
    MethodVisitor compute =
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "compute", "(I)I", null, null);
    compute.visitCode();
    for (int i = 0; i < BIG_STEPS; i++) {
      compute.visitVarInsn(Opcodes.ILOAD, 0);
      compute.visitInsn(Opcodes.ICONST_1);
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

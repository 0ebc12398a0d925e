package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.LiveChanges;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.itapps.h2.H2App;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * An H2 database server (TCP mode) jlive did not write, with JDBC clients querying it over the
 * socket in the same JVM, attached dynamically. H2's jar has no parameter names (no local variable
 * tables), so the probe reads a field of {@code this} instead.
 */
class H2AppTest {
  /** Runs on the server side for every query a client sends. */
  private static final String PER_QUERY = "org.h2.command.Command#executeQuery";

  private static final Pattern STATS =
      Pattern.compile("stats queries=(\\d+) failures=(\\d+) last=(.*)");
  private static final Path DUMPS = Artifacts.work().resolve("h2-dumps-" + System.nanoTime());
  private static TargetJvm app;
  private static LiveChanges jlive;

  @BeforeAll
  static void start() throws Exception {
    app =
        TargetJvm.on(Jdk.JAVA_17)
            .classPath(Artifacts.classPathWith(H2App.class, Server.class))
            .main(H2App.class)
            .jvmArg("-Djlive.debug.dumpClasses=" + DUMPS)
            .start();
    jlive = LiveChanges.of(app);
    jlive.attach();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @Test
  void aLogProbeOnThePerQueryMethodWhileTheClientsQuery() throws Exception {
    List<String> stderrBefore = app.stderr();
    String probe =
        jlive.probe(PER_QUERY, "--log", "sql={this.sql} maxRows={args[0]}", "--no-app-log");
    long queries = stats()[0];

    List<Map<String, Object>> events = jlive.tail(probe, 10);
    await().atMost(Duration.ofSeconds(30)).until(() -> stats()[0] > queries + 200);
    jlive.removeProbe(probe);

    assertThat(events)
        .hasSize(10)
        .allSatisfy(
            event ->
                assertThat((String) event.get("message"))
                    .isEqualTo("sql=\"SELECT name, price FROM item WHERE id = ?\" maxRows=0"));
    assertThat(stats()[1]).as("failed queries").isZero();
    // Probe output goes to jlive's event log only: the application's own output is untouched.
    assertThat(app.stderr().subList(stderrBefore.size(), app.stderr().size()))
        .noneMatch(
            line -> line.contains(probe) || line.contains("jlive") || line.contains("SELECT"));
    long after = stats()[0];
    await().atMost(Duration.ofSeconds(30)).until(() -> stats()[0] > after + 50);
    assertThat(stats()[1]).as("failed queries after the probe was removed").isZero();
  }

  /**
   * Issue 9's defect on H2: with no logging framework, a log probe printed through
   * java.util.logging's default console handler onto the server's stderr (20,000 lines). H2 sets up
   * no JUL handler of its own, so even without --no-app-log the lines go only to jlive's event
   * stream. (The control, an application that configured JUL itself and does get the lines, is
   * ProbeOutputTest.)
   */
  @Test
  void withoutNoAppLogAServerThatSetUpNoLoggingGetsNothingOnItsStderr() throws Exception {
    List<String> stderrBefore = app.stderr();
    String probe = jlive.probe(PER_QUERY, "--log", "sql={this.sql}", "--rate", "50");
    List<Map<String, Object>> events = jlive.tail(probe, 50);
    jlive.removeProbe(probe);

    assertThat(events).hasSize(50);
    assertThat(app.stderr().subList(stderrBefore.size(), app.stderr().size()))
        .noneMatch(line -> line.contains(probe) || line.contains("SELECT"));
    assertThat(stats()[1]).as("failed queries").isZero();
  }

  /**
   * H2's SQL parser is a 174 KB class with 5,773 constants. A patch of it whose constant pool was
   * written afresh (as a compiler writes one) is installed with the running class's constants
   * first, at their old indexes, in each retransformation jlive makes of it: HotSpot searches the
   * whole pool for every constant not at its old index, about 100 ms for this class, in every later
   * change of it too (docs/BENCHMARKS.md, section 61). The control: the class file sent does not
   * have them first.
   */
  @Test
  void aPatchOfTheParserWithItsPoolWrittenAfreshRunsWithTheRunningPoolFirst() throws Exception {
    byte[] original;
    try (InputStream in = Server.class.getResourceAsStream("/org/h2/command/Parser.class")) {
      original = in.readAllBytes();
    }
    byte[] afresh = withNopIn(original, "parseHelp");
    assertThat(poolStartsWith(afresh, original)).isFalse();
    Path classes = Artifacts.work().resolve("h2-patch-" + System.nanoTime());
    Files.createDirectories(classes.resolve("org/h2/command"));
    Files.write(classes.resolve("org/h2/command/Parser.class"), afresh);
    long queries = stats()[0];

    CliRun patch = LiveChanges.succeed("patch", jlive.pid(), "--classes", classes.toString());
    try {
      assertThat(patch.stdout()).contains("parseHelp");
      // The gate's weaving and the clean-up after the swap: both retransformations of the class.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> dumped("org.h2.command.Parser.out.class").size() >= 2);
      for (Path dump : dumped("org.h2.command.Parser.out.class")) {
        assertThat(poolStartsWith(Files.readAllBytes(dump), original)).as(dump.toString()).isTrue();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> stats()[0] > queries + 50);
      assertThat(stats()[1]).as("failed queries").isZero();
    } finally {
      jlive.revertAll();
    }
  }

  /** The class with a NOP at the start of one method, its constant pool written afresh. */
  private static byte[] withNopIn(byte[] bytes, String method) {
    ClassWriter writer = new ClassWriter(0);
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9, writer) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                MethodVisitor out = super.visitMethod(access, name, descriptor, signature, ex);
                return !name.equals(method)
                    ? out
                    : new MethodVisitor(Opcodes.ASM9, out) {
                      @Override
                      public void visitCode() {
                        super.visitCode();
                        super.visitInsn(Opcodes.NOP);
                      }
                    };
              }
            },
            0);
    return writer.toByteArray();
  }

  /** Whether {@code bytes}' constant pool starts with every entry of {@code first}'s, in order. */
  private static boolean poolStartsWith(byte[] bytes, byte[] first) {
    // The pool starts at offset 10, after magic, versions and its count.
    int end = new ClassReader(first).header;
    return bytes.length >= end && Arrays.equals(bytes, 10, end, first, 10, end);
  }

  private static List<Path> dumped(String suffix) throws IOException {
    if (!Files.isDirectory(DUMPS)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(DUMPS)) {
      return files.filter(file -> file.getFileName().toString().endsWith(suffix)).toList();
    }
  }

  private static long[] stats() throws IOException {
    Matcher matcher = STATS.matcher(app.ask("stats", "stats "));
    assertThat(matcher.matches()).isTrue();
    return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
  }
}

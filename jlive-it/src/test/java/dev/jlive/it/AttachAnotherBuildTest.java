package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM keeps the launcher class of the first jlive jar attached to it, also after a detach. The
 * CLI names the jar it loads ({@code agentJar=}), so the kept launcher opens the core from that jar
 * and a different build attaches after a detach. Without the name (older CLIs, older launchers) the
 * kept launcher checks its own jar against the new build's stamp and refuses, leaving its reason in
 * the failure file rather than on the application's stderr; the CLI then says so plainly instead of
 * "did not start".
 */
class AttachAnotherBuildTest {

  @Test
  void anotherBuildAttachesAfterADetachAndItsCoreRuns() throws Exception {
    Path otherBuild = anotherBuildOfTheAgentJar();
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      String pid = Long.toString(target.pid());
      attachThisBuildAndDetach(pid);

      CliRun other = cliProcessWithAgentJar(otherBuild, List.of(), "attach", pid);

      assertThat(other.exitCode()).as(other.toString()).isZero();
      Path loaded = Artifacts.runtimeDir().resolve(cachedName(otherBuild));
      // The core's start line names the jar its loader opened: the other build's copy.
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(log(pid))
                      .anyMatch(
                          line ->
                              line.contains("started (attach)")
                                  && line.endsWith("from " + loaded)));
      assertThat(jlive("info", pid).exitCode()).isZero();
      assertThat(target.stderr()).noneMatch(line -> line.contains("SecurityException"));
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  @Test
  void withoutTheJarNamedTheKeptLauncherRefusesAndTheCliSaysWhy() throws Exception {
    Path otherBuild = anotherBuildOfTheAgentJar();
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      String pid = Long.toString(target.pid());
      Path firstJar = attachThisBuildAndDetach(pid);

      // The CLI leaves agentJar= out, as CLIs before it did.
      CliRun other =
          cliProcessWithAgentJar(
              otherBuild, List.of("-Djlive.attach.nameAgentJar=false"), "attach", pid);

      assertThat(other.exitCode()).as(other.toString()).isEqualTo(4);
      assertThat(other.stderr())
          .as(other.toString())
          .contains(
              "keeps the agent launcher of the jlive jar first attached to it (" + firstJar + ")")
          .contains("restart the JVM")
          .doesNotContain("did not start\n");
      // The launcher's reason, from its failure file: the application's stderr has none of it.
      assertThat(other.stderr())
          .contains("it said: the agent jar " + firstJar + " is not the one jlive meant to load")
          .contains("a jlive CLI of another build");
      // This build attaches again; its start line comes after anything the refusal printed.
      assertThat(jlive("attach", pid).exitCode()).isZero();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> target.stderr().stream().filter(l -> l.startsWith("jlive agent")).count() == 2);
      assertThat(target.stderr())
          .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  @Test
  void aKeptLauncherThatThrowsItsRefusalLeavesTheReasonOnlyOnTheApplicationsStderr()
      throws Exception {
    // The negative control: the kept launcher throws, as launchers before the failure file did.
    Path otherBuild = anotherBuildOfTheAgentJar();
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-Djlive.launcher.throwFailures=true")
            .main(IdleApp.class)
            .start()) {
      String pid = Long.toString(target.pid());
      Path firstJar = attachThisBuildAndDetach(pid);

      CliRun other =
          cliProcessWithAgentJar(
              otherBuild, List.of("-Djlive.attach.nameAgentJar=false"), "attach", pid);

      assertThat(other.exitCode()).as(other.toString()).isEqualTo(4);
      assertThat(other.stderr())
          .as(other.toString())
          .contains(
              "keeps the agent launcher of the jlive jar first attached to it (" + firstJar + ")")
          .contains("the JVM's stderr has the launcher's reason");
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(target.stderr())
                      .anyMatch(
                          line ->
                              line.startsWith("Caused by: ")
                                  && line.contains("the agent jar " + firstJar)
                                  && line.contains("is not the one jlive meant to load")
                                  && line.contains("a jlive CLI of another build"))
                      .anyMatch(line -> line.startsWith("\tat ")));
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  /** Attaches the CLI's own agent jar, detaches, and returns the jar the JVM keeps open. */
  private static Path attachThisBuildAndDetach(String pid) throws Exception {
    CliRun first = jlive("attach", pid);
    assertThat(first.exitCode()).as(first.toString()).isZero();
    Path firstJar = Artifacts.runtimeDir().resolve(cachedName(Artifacts.agentJar()));
    assertThat(firstJar).exists();
    CliRun detach = jlive("detach", pid);
    assertThat(detach.exitCode()).as(detach.toString()).isZero();
    return firstJar;
  }

  /**
   * A copy of the agent jar with one harmless entry more: other bytes, stamp and digest, so the CLI
   * writes it to a file of its own, as it would another build's.
   */
  private static Path anotherBuildOfTheAgentJar() throws Exception {
    Path copy = Artifacts.work().resolve("another-build/jlive-agent.jar");
    Files.createDirectories(copy.getParent());
    Files.copy(Artifacts.agentJar(), copy, StandardCopyOption.REPLACE_EXISTING);
    try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + copy.toUri()), Map.of())) {
      Files.writeString(jar.getPath("another-build.txt"), "a jar that is not this build's\n");
    }
    return copy;
  }

  /** The name the CLI gives its copy of an agent jar in the runtime directory. */
  private static String cachedName(Path jar) throws Exception {
    String digest =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
    return "jlive-agent-" + digest.substring(0, 12) + ".jar";
  }

  private static List<String> log(String pid) throws Exception {
    return Files.readAllLines(Artifacts.runtimeDir().resolve(pid + ".log"), StandardCharsets.UTF_8);
  }

  /**
   * Runs the CLI jar in a JVM of its own with {@code $JLIVE_AGENT_JAR} set, which picks the agent
   * jar it loads (an environment variable, so not in this JVM).
   */
  private static CliRun cliProcessWithAgentJar(Path agentJar, List<String> jvmArgs, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(Jdk.JAVA_17.java().toString()));
    command.add("-Djlive.runtimeDir=" + Artifacts.runtimeDir());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", Artifacts.cliJar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("JLIVE_AGENT_JAR", agentJar.toString());
    Process cli = builder.redirectErrorStream(false).start();
    byte[] err = cli.getErrorStream().readAllBytes();
    byte[] out = cli.getInputStream().readAllBytes();
    assertThat(cli.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new CliRun(
        cli.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }
}

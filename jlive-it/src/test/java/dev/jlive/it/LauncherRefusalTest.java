package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.VirtualMachine;
import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Discovery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the agent's launcher refuses to start the agent (the jar it opened is not the one the
 * attaching CLI checked), the application's stdout and stderr get nothing from jlive: the launcher
 * leaves its reason and code in {@code <pid>.error} for the CLI and returns. Before, it threw, and
 * the JVM's attach listener printed the whole stack trace on the application's stderr. {@code
 * AttachAnotherBuildTest} checks the CLI's message and code for the refusal the CLI can cause.
 */
class LauncherRefusalTest {
  /** A stamp no file has: the jar the launcher opens is then not the one the attach meant. */
  private static final String OTHER_STAMP = "1-2-3";

  @Test
  void aRefusedAttachLeavesTheReasonInTheFailureFileAndNothingOnTheApplicationsStreams()
      throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      // What the CLI sends, as if the jar had changed after the CLI checked it.
      loadAgent(target, "agentJar=" + Artifacts.agentJar() + ",agentStamp=" + OTHER_STAMP);

      List<String> failure = failureFile(target);
      assertThat(failure.get(0))
          .contains("the agent jar " + Artifacts.agentJar() + " is not the one jlive meant to load")
          .contains("expected " + OTHER_STAMP)
          .contains("it changed after the attaching jlive checked it");
      assertThat(failure.get(1)).isEqualTo("code: AGENT_JAR_CHANGED");
      assertThat(Discovery.fileFor(Artifacts.runtimeDir(), target.pid())).doesNotExist();

      // An attach that works prints the agent's one start line: whatever the refusal wrote on
      // stderr came before it on the same stream.
      CliRun attach = jlive("attach", Long.toString(target.pid()));
      assertThat(attach.exitCode()).as(attach.toString()).isZero();
      target.awaitLine("jlive agent", true);
      assertThat(target.stderr()).singleElement().asString().startsWith("jlive agent");
      assertThat(target.stdout()).containsExactly("ready " + target.pid());
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  @Test
  void aLauncherThatThrowsItsRefusalPutsTheStackTraceOnTheApplicationsStderr() throws Exception {
    // The negative control: the same refusal, thrown as launchers before the failure file did.
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-Djlive.launcher.throwFailures=true")
            .main(IdleApp.class)
            .start()) {
      assertThatThrownBy(
              () ->
                  loadAgent(
                      target, "agentJar=" + Artifacts.agentJar() + ",agentStamp=" + OTHER_STAMP))
          .isInstanceOf(AgentInitializationException.class);

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(target.stderr())
                      .anyMatch(
                          line ->
                              line.startsWith("Caused by: ")
                                  && line.contains("the agent jar " + Artifacts.agentJar())
                                  && line.contains("is not the one jlive meant to load"))
                      .anyMatch(line -> line.startsWith("\tat dev.jlive.agent.launcher.")));
      assertThat(failureFile(target).get(1)).isEqualTo("code: AGENT_JAR_CHANGED");
    }
  }

  @Test
  void aRefusedJavaagentSaysSoInOneLineAndInTheFailureFile() throws Exception {
    // -javaagent: the user started the agent by hand, so one line on stderr tells them.
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("agentStamp=" + OTHER_STAMP)
            .main(IdleApp.class)
            .start()) {
      // premain ran before main printed its ready line.
      target.awaitLine("jlive: agent not started", true);

      assertThat(target.stderr())
          .singleElement()
          .asString()
          .contains("is not the one jlive meant to load");
      List<String> failure = failureFile(target);
      assertThat(failure.get(0)).contains("a jlive CLI of another build");
      assertThat(failure.get(1)).isEqualTo("code: AGENT_JAR_NOT_MEANT");
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  /** Loads the agent jar as the CLI does, with {@code options}. */
  private static void loadAgent(TargetJvm target, String options) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(target.pid()));
    try {
      vm.loadAgent(Artifacts.agentJar().toString(), options);
    } finally {
      vm.detach();
    }
  }

  private static List<String> failureFile(TargetJvm target) throws Exception {
    Path file = Artifacts.runtimeDir().resolve(target.pid() + ".error");
    assertThat(file).exists();
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Discovery;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Each way an attach or a request can fail gets its own message, hint and exit code. */
class ErrorMessagesTest {

  @Test
  void noSuchProcess() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    CliRun run = jlive("attach", Long.toString(gone.pid()));
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.stderr())
        .contains("no process with pid " + gone.pid() + " is running")
        .contains("jlive ps");
  }

  @Test
  void notAJvm() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    try {
      CliRun run = jlive("attach", Long.toString(sleeper.pid()));
      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.stderr()).contains("is not a Java virtual machine");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void notANumber() {
    CliRun run = jlive("info", "twelve");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("'twelve' is not a process id");
  }

  @Test
  void attachDisabledInTheTarget() throws Exception {
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .jvmArg("-XX:+DisableAttachMechanism")
            .main(IdleApp.class)
            .start()) {
      CliRun run = jlive("attach", Long.toString(target.pid()), "--json");
      assertThat(run.exitCode()).isEqualTo(4);
      assertThat(run.stdout())
          .contains("\"code\": \"ATTACH_DISABLED\"")
          .contains("-XX:+DisableAttachMechanism")
          .contains("-javaagent");
    }
  }

  @Test
  void dynamicAgentLoadingDisabledOnJava21Plus() throws Exception {
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_25)
            .jvmArg("-XX:-EnableDynamicAgentLoading")
            .main(IdleApp.class)
            .start()) {
      CliRun run = jlive("attach", Long.toString(target.pid()));
      assertThat(run.exitCode()).isEqualTo(4);
      assertThat(run.stderr())
          .contains("does not allow agents to be loaded while it runs")
          .contains("-XX:+EnableDynamicAgentLoading")
          .contains("-javaagent");
    }
  }

  @Test
  void java25WithoutTheFlagWorksButTheUserLearnsAboutTheWarning() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_25).main(IdleApp.class).start()) {
      CliRun run = jlive("attach", Long.toString(target.pid()));
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.stderr())
          .contains("note: Java 25 printed a warning")
          .contains("-XX:+EnableDynamicAgentLoading")
          .contains("jlive agent-jar --to PATH");
    }
  }

  /**
   * The hint's way works: the jar it writes loads at start-up, with no warning and nothing else.
   */
  @Test
  void theAgentJarTheHintNamesLoadsAtStartUpWithoutAWarning() throws Exception {
    Path folder = Files.createTempDirectory(Artifacts.work(), "agent-jar-");
    Path jar = folder.resolve("jlive-agent.jar");
    CliRun export = jlive("agent-jar", "--to", jar.toString());
    assertThat(export.exitCode()).as(export.toString()).isZero();
    assertThat(export.stdout()).contains("-javaagent:" + jar);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)))
        .isEqualTo("rw-r--r--");

    CliRun again = jlive("agent-jar", "--to", jar.toString());
    assertThat(again.exitCode()).as("the same bytes again: nothing to refuse").isZero();
    Files.writeString(jar, "something else");
    CliRun refused = jlive("agent-jar", "--to", jar.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr()).contains("holds something else").contains("--force");
    assertThat(jlive("agent-jar", "--to", jar.toString(), "--force").exitCode()).isZero();

    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_25).jvmArg("-javaagent:" + jar).main(IdleApp.class).start()) {
      CliRun info = jlive("info", Long.toString(target.pid()));
      assertThat(info.exitCode()).as(info.toString()).isZero();
      assertThat(target.stderr()).noneMatch(line -> line.contains("WARNING"));
    }
  }

  @Test
  void anotherUsersJvm() throws Exception {
    Assumptions.assumeTrue(
        System.getProperty("user.name").equals("root")
            && Files.isExecutable(Paths.get("/usr/bin/setpriv")),
        "needs root and setpriv to run the CLI as another user");
    Path cliJar = Files.createTempFile("jlive-cli-", ".jar");
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      Files.copy(Artifacts.cliJar(), cliJar, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(cliJar, PosixFilePermissions.fromString("rw-r--r--"));
      Process cli =
          new ProcessBuilder(
                  "/usr/bin/setpriv",
                  "--reuid=nobody",
                  "--regid=nogroup",
                  "--clear-groups",
                  Jdk.JAVA_17.java().toString(),
                  "-Djava.io.tmpdir=/tmp",
                  "-jar",
                  cliJar.toString(),
                  "attach",
                  Long.toString(target.pid()))
              .redirectErrorStream(true)
              .start();
      String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(cli.exitValue()).as(output).isEqualTo(4);
      assertThat(output)
          .contains("runs as user 'root' and jlive runs as 'nobody'")
          .contains("sudo -u root jlive attach");
    } finally {
      Files.deleteIfExists(cliJar);
    }
  }

  @Test
  void notAttached() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      CliRun run = jlive("threads", Long.toString(target.pid()));
      assertThat(run.exitCode()).isEqualTo(5);
      assertThat(run.stderr())
          .contains("jlive is not loaded in pid " + target.pid())
          .contains("jlive attach " + target.pid());
    }
  }

  @Test
  void endpointUnreachable() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      int closedPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        closedPort = socket.getLocalPort();
      }
      Path stale =
          new Discovery(target.pid(), "127.0.0.1", closedPort, "stale-token-0123456789", "0", 0)
              .writeTo(Artifacts.runtimeDir());
      try {
        CliRun run = jlive("info", Long.toString(target.pid()));
        assertThat(run.exitCode()).isEqualTo(6);
        assertThat(run.stderr())
            .contains("cannot reach pid " + target.pid())
            .contains("jlive attach");
      } finally {
        Files.deleteIfExists(stale);
      }
    }
  }

  @Test
  void agentErrorsCarryTheAgentsHint() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(IdleApp.class).start()) {
      String pid = Long.toString(target.pid());
      CliRun unknown = jlive("methods", pid, "dev.jlive.it.apps.IdleAp");
      assertThat(unknown.exitCode()).isEqualTo(8);
      assertThat(unknown.stderr())
          .contains("class dev.jlive.it.apps.IdleAp is not loaded")
          .contains("did you mean dev.jlive.it.apps.IdleApp");

      CliRun badPattern = jlive("classes", pid, "com...acme", "--json");
      assertThat(badPattern.exitCode()).isEqualTo(8);
      assertThat(badPattern.json().toString())
          .contains("BAD_REQUEST")
          .contains("is not a class name pattern");

      CliRun badRegex = jlive("threads", pid, "--grep", "([");
      assertThat(badRegex.exitCode()).isEqualTo(8);
      assertThat(badRegex.stderr()).contains("--grep is not a valid regular expression");
    }
  }

  @Test
  void badAgentOptionsAreReportedByAttach() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      CliRun run = jlive("attach", Long.toString(target.pid()), "--agent-options", "prot=8080");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.stderr())
          .contains("the agent did not start")
          .contains("unknown agent option 'prot'")
          .contains("known keys");
      assertThat(target.stderr()).isEmpty();
    }
  }

  @Test
  void remoteNeedsAllThreeOptions() throws IOException {
    CliRun run = jlive("info", "--host", "127.0.0.1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("needs all of --host, --port and --token-file");
  }
}

package dev.jlive.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * How the CLI reports the code a launcher left in its failure file ({@code AttachAnotherBuildTest}
 * covers {@code AGENT_JAR_NOT_MEANT} with another build's launcher kept).
 */
class LauncherRefusalCodesTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final Path JAR = Paths.get("/run/jlive/jlive-agent-0123456789ab.jar");
  private static final Path ERROR_FILE = Paths.get("/run/jlive/" + PID + ".error");

  @Test
  void aNamedJarThatChangedIsReportedAsChangedWithTheLaunchersReason() {
    CliException e =
        Attacher.launcherRefusal(
                PID, JAR, "AGENT_JAR_CHANGED", "the agent jar ... changed", ERROR_FILE)
            .orElseThrow();

    assertThat(e.code()).isEqualTo("AGENT_JAR_CHANGED");
    assertThat(e.exitCode()).isEqualTo(ExitCode.ERROR);
    assertThat(e.getMessage())
        .isEqualTo("the agent did not start in pid " + PID + ": the agent jar ... changed");
    assertThat(e.hint())
        .contains("check who else can write /run/jlive")
        .contains(ERROR_FILE.toString());
  }

  @Test
  void itsOwnJarRefusedWithNoOtherJliveJarOpenMeansTheJarChanged() throws Exception {
    // A process with no jar open at all: no kept launcher of another build can be found in it.
    Process noJars = new ProcessBuilder("sleep", "600").start();
    try {
      CliException e =
          Attacher.launcherRefusal(
                  noJars.pid(), JAR, "AGENT_JAR_NOT_MEANT", "not meant", ERROR_FILE)
              .orElseThrow();

      assertThat(e.code()).isEqualTo("AGENT_JAR_CHANGED");
      assertThat(e.getMessage()).endsWith(": not meant");
    } finally {
      noJars.destroyForcibly();
    }
  }

  @Test
  void otherFailuresAreLeftToTheGeneralStartFailure() {
    assertThat(Attacher.launcherRefusal(PID, JAR, "LAUNCHER_FAILED", "bridge", ERROR_FILE))
        .isEmpty();
    // The core's own failures have no code line.
    assertThat(Attacher.launcherRefusal(PID, JAR, "", "unknown agent option", ERROR_FILE))
        .isEmpty();
  }
}

package dev.jlive.agent.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's failure file: where the CLI reads it, in the format it reads, and never in a
 * folder that someone else could have made or could change.
 */
class LaunchFailureTest {
  @TempDir Path temp;

  private Path errorFileIn(Path runtimeDir) {
    return runtimeDir.resolve(ProcessHandle.current().pid() + ".error");
  }

  @Test
  void aRefusalIsWrittenWithItsReasonCodeAndTraceIntoAPrivateFolder() throws IOException {
    Path runtimeDir = temp.resolve("runtime");
    LaunchFailure.Refusal refusal =
        new LaunchFailure.Refusal(LaunchFailure.AGENT_JAR_CHANGED, "the jar changed\nsecond line");

    assertThat(LaunchFailure.record("port=0,runtimeDir=" + runtimeDir + ",quiet", refusal))
        .isTrue();

    Path file = errorFileIn(runtimeDir);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).isEqualTo("the jar changed");
    assertThat(lines.get(1)).isEqualTo("code: AGENT_JAR_CHANGED");
    assertThat(lines.get(2)).isEmpty();
    assertThat(lines).anyMatch(line -> line.contains("LaunchFailureTest"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtimeDir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void anyOtherFailureIsALauncherFailure() throws IOException {
    Path runtimeDir = temp.resolve("runtime");

    LaunchFailure.record("runtimeDir=" + runtimeDir, new IllegalStateException("bridge unusable"));

    assertThat(Files.readAllLines(errorFileIn(runtimeDir), StandardCharsets.UTF_8))
        .startsWith("bridge unusable", "code: LAUNCHER_FAILED");
  }

  @Test
  void nothingIsWrittenIntoAFolderOthersMayWriteNorThroughALink() throws IOException {
    Path open = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link =
        Files.createSymbolicLink(
            temp.resolve("link"), Files.createDirectory(temp.resolve("private")));
    Files.setPosixFilePermissions(
        temp.resolve("private"), PosixFilePermissions.fromString("rwx------"));

    assertThat(LaunchFailure.record("runtimeDir=" + open, new IllegalStateException("x")))
        .isFalse();
    assertThat(LaunchFailure.record("runtimeDir=" + link, new IllegalStateException("x")))
        .isFalse();

    assertThat(errorFileIn(open)).doesNotExist();
    assertThat(errorFileIn(temp.resolve("private"))).doesNotExist();
    // The control: the same folder, private, is written to.
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx------"));
    assertThat(LaunchFailure.record("runtimeDir=" + open, new IllegalStateException("x"))).isTrue();
    assertThat(Files.exists(errorFileIn(open), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }
}

package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscoveryTest {

  private static final Discovery RECORD = new Discovery(4242, "127.0.0.1", 41234, "s3cr3t-token", "0.1.0", 1_700_000_000_123L);

  @TempDir
  Path temp;

  @Test
  void writesAPrivateFileNamedAfterThePidInAPrivateFolder() throws IOException {
    Path runtimeDir = temp.resolve("jlive-runtime");

    Path file = RECORD.writeTo(runtimeDir);

    assertThat(file).isEqualTo(runtimeDir.resolve("4242.json")).isEqualTo(Discovery.fileFor(runtimeDir, 4242));
    assertThat(file).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtimeDir))).isEqualTo("rwx------");
    // Only the final file is left: the temporary one it was written under is moved into place.
    try (var names = Files.list(runtimeDir)) {
      assertThat(names).containsExactly(file);
    }
  }

  @Test
  void narrowsTheModeOfAnExistingFolder() throws IOException {
    Path runtimeDir = Files.createDirectory(temp.resolve("shared"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    RECORD.writeTo(runtimeDir);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtimeDir))).isEqualTo("rwx------");
  }

  @Test
  void readsBackWhatWasWritten() throws IOException {
    RECORD.writeTo(temp);

    assertThat(Discovery.read(temp, 4242)).contains(RECORD);
  }

  @Test
  void rewritingReplacesTheFileAndKeepsItPrivate() throws IOException {
    RECORD.writeTo(temp);
    Discovery restarted = new Discovery(4242, "0.0.0.0", 9000, "other-token", "0.2.0", 1_700_000_999_000L);

    Path file = restarted.writeTo(temp);

    assertThat(Discovery.read(temp, 4242)).contains(restarted);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void theFileIsReadableJson() throws IOException {
    Path file = RECORD.writeTo(temp);

    assertThat(Json.parseObject(Files.readString(file, StandardCharsets.UTF_8)))
        .containsEntry("pid", 4242L)
        .containsEntry("host", "127.0.0.1")
        .containsEntry("port", 41234L)
        .containsEntry("token", "s3cr3t-token");
  }

  @Test
  void readOfAPidWithoutAFileIsEmpty() throws IOException {
    RECORD.writeTo(temp);

    assertThat(Discovery.read(temp, 4243)).isEmpty();
    assertThat(Discovery.read(temp.resolve("no-such-folder"), 4242)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "{\"pid\": 4242, \"host\": ",
      "[1, 2]",
      "{\"pid\": 4242}",
      "{\"pid\": 4242, \"host\": \"h\", \"port\": \"not a number\", \"token\": \"t\", \"agentVersion\": \"v\", \"startedAtMillis\": 1}",
  })
  void aDamagedFileIsReportedWithWhatToDo(String content) throws IOException {
    Path file = Files.writeString(Discovery.fileFor(temp, 4242), content, StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Discovery.read(temp, 4242))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("discovery file " + file + " is damaged")
        .hasMessageEndingWith("; delete it and attach again")
        .hasCauseInstanceOf(RuntimeException.class);
  }
}

package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscoveryTest {

  private static final Discovery RECORD =
      new Discovery(4242, "127.0.0.1", 41234, "s3cr3t-token", "0.1.0", 1_700_000_000_123L);

  @TempDir Path temp;

  @Test
  void writesAPrivateFileNamedAfterThePidInAPrivateFolder() throws IOException {
    Path runtimeDir = temp.resolve("jlive-runtime");

    Path file = RECORD.writeTo(runtimeDir);

    assertThat(file)
        .isEqualTo(runtimeDir.resolve("4242.json"))
        .isEqualTo(Discovery.fileFor(runtimeDir, 4242));
    assertThat(file).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtimeDir)))
        .isEqualTo("rwx------");
    // Only the final file is left: the temporary one it was written under is moved into place.
    try (var names = Files.list(runtimeDir)) {
      assertThat(names).containsExactly(file);
    }
  }

  @Test
  void narrowsTheModeOfAnExistingFolderThatOnlyWeCanWrite() throws IOException {
    Path runtimeDir =
        Files.createDirectory(
            temp.resolve("shared"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    RECORD.writeTo(runtimeDir);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtimeDir)))
        .isEqualTo("rwx------");
  }

  @Test
  void refusesAFolderOthersCanWrite() throws IOException {
    Path runtimeDir = Files.createDirectory(temp.resolve("shared"));
    Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> RECORD.writeTo(runtimeDir))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining("is writable by other users (mode rwxrwxrwx)")
        .hasMessageContaining("remove it")
        .hasMessageContaining("JLIVE_RUNTIME_DIR");
    assertThat(Discovery.fileFor(runtimeDir, 4242)).doesNotExist();
  }

  @Test
  void aDiscoveryFileOthersCanReadIsRefused() throws IOException {
    Path file = RECORD.writeTo(temp);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> Discovery.read(temp, 4242))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining("mode rw-r--r--")
        .hasMessageContaining("readable by its owner only");
  }

  @Test
  void aLinkInPlaceOfTheDiscoveryFileIsNotFollowed() throws IOException {
    Path elsewhere = RECORD.writeTo(Files.createDirectory(temp.resolve("elsewhere")));
    Path runtimeDir = Files.createDirectory(temp.resolve("runtime"));
    Files.createSymbolicLink(Discovery.fileFor(runtimeDir, 4242), elsewhere);

    assertThatThrownBy(() -> Discovery.read(runtimeDir, 4242))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining("is a symbolic link");
  }

  @Test
  void writingReplacesALinkInsteadOfWritingThroughIt() throws IOException {
    Path victim = Files.writeString(temp.resolve("victim"), "untouched");
    Path runtimeDir = Files.createDirectory(temp.resolve("runtime"));
    Files.createSymbolicLink(Discovery.fileFor(runtimeDir, 4242), victim);

    Path file = RECORD.writeTo(runtimeDir);

    assertThat(victim).hasContent("untouched");
    assertThat(Files.isSymbolicLink(file)).isFalse();
    assertThat(Discovery.read(runtimeDir, 4242)).contains(RECORD);
  }

  @Test
  void aFileOfALiveProcessStartedThenIsNotStale() {
    long pid = ProcessHandle.current().pid();
    Discovery mine =
        new Discovery(pid, "127.0.0.1", 1, "t", "v", 1, Discovery.processStartMillis(pid), 0);

    assertThat(mine.processStartedAtMillis()).isPositive();
    assertThat(mine.whyStale()).isEmpty();
  }

  @Test
  void aReusedPidMakesTheFileStale() {
    long pid = ProcessHandle.current().pid();
    Discovery earlier =
        new Discovery(
            pid, "127.0.0.1", 1, "t", "v", 1, Discovery.processStartMillis(pid) - 60_000, 0);

    assertThat(earlier.whyStale())
        .hasValueSatisfying(why -> assertThat(why).contains("now belongs to a process started at"));
  }

  /**
   * A JVM started after the wall clock was stepped computes start instants from the new boot time:
   * for the same process, its instant and this JVM's differ by the step. The start in clock ticks
   * since boot does not move, so the file of a live JVM stays.
   */
  @Test
  void aWallClockStepBetweenTwoJvmsDoesNotMakeALiveJvmsFileStale() {
    long pid = ProcessHandle.current().pid();
    long ticks = Discovery.processStartTicks(pid);
    assumeTrue(ticks > 0, "no /proc/PID/stat here: the instants decide, as before");
    long afterAStep = Discovery.processStartMillis(pid) + 6_000;

    Discovery written = new Discovery(pid, "127.0.0.1", 1, "t", "v", 1, afterAStep, ticks);
    assertThat(written.whyStale()).isEmpty();

    // The negative control: the same file without the ticks is taken for a reused pid.
    Discovery withoutTicks = new Discovery(pid, "127.0.0.1", 1, "t", "v", 1, afterAStep, 0);
    assertThat(withoutTicks.whyStale())
        .hasValueSatisfying(why -> assertThat(why).contains("now belongs to a process started at"));
  }

  @Test
  void anotherStartTickMakesTheFileStaleWhateverTheInstant() {
    long pid = ProcessHandle.current().pid();
    long ticks = Discovery.processStartTicks(pid);
    assumeTrue(ticks > 0, "no /proc/PID/stat here");

    Discovery earlier =
        new Discovery(
            pid, "127.0.0.1", 1, "t", "v", 1, Discovery.processStartMillis(pid), ticks - 100);

    assertThat(earlier.whyStale())
        .hasValue(
            "pid "
                + pid
                + " now belongs to a process started at tick "
                + ticks
                + " since boot, not the one started at tick "
                + (ticks - 100)
                + " that wrote it");
  }

  @Test
  void aDeadPidMakesTheFileStale() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Discovery dead = new Discovery(gone.pid(), "127.0.0.1", 1, "t", "v", 1, 0, 0);

    assertThat(dead.whyStale()).hasValue("pid " + gone.pid() + " no longer runs");
  }

  @Test
  void aFileFromAnOlderAgentWithoutAProcessStartIsReadAsUnknown() {
    Discovery old =
        Discovery.fromWire(
            Json.parseObject(
                "{\"pid\": 1, \"host\": \"h\", \"port\": 2, \"token\": \"t\", \"agentVersion\": \"v\", \"startedAtMillis\": 3}"));

    assertThat(old.processStartedAtMillis()).isZero();
  }

  @Test
  void readsBackWhatWasWritten() throws IOException {
    RECORD.writeTo(temp);

    assertThat(Discovery.read(temp, 4242)).contains(RECORD);
  }

  @Test
  void rewritingReplacesTheFileAndKeepsItPrivate() throws IOException {
    RECORD.writeTo(temp);
    Discovery restarted =
        new Discovery(4242, "0.0.0.0", 9000, "other-token", "0.2.0", 1_700_000_999_000L);

    Path file = restarted.writeTo(temp);

    assertThat(Discovery.read(temp, 4242)).contains(restarted);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
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
  @ValueSource(
      strings = {
        "",
        "{\"pid\": 4242, \"host\": ",
        "[1, 2]",
        "{\"pid\": 4242}",
        "{\"pid\": 4242, \"host\": \"h\", \"port\": \"not a number\", \"token\": \"t\", \"agentVersion\": \"v\", \"startedAtMillis\": 1}",
      })
  void aDamagedFileIsReportedWithWhatToDo(String content) throws IOException {
    Path file =
        Files.writeString(
            Files.createFile(
                Discovery.fileFor(temp, 4242),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
            content,
            StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Discovery.read(temp, 4242))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("discovery file " + file + " is damaged")
        .hasMessageEndingWith("; delete it and attach again")
        .hasCauseInstanceOf(RuntimeException.class);
  }

  @Test
  void roundTripsAsJsonText() {
    String json =
        "{\"pid\":4242,\"host\":\"127.0.0.1\",\"port\":41234,\"token\":\"s3cr3t-token\",\"agentVersion\":\"0.1.0\","
            + "\"startedAtMillis\":1700000000123,\"processStartedAtMillis\":1699999999000,"
            + "\"processStartTicks\":123456}";
    assertThat(Json.write(Discovery.fromWire(Json.parse(json)).toJson())).isEqualTo(json);
  }

  @Test
  void aPortOutsideTheRangeIsRefused() {
    assertThatThrownBy(() -> new Discovery(1, "127.0.0.1", 0, "t", "v", 1))
        .isInstanceOf(JLiveException.class)
        .hasMessage("the discovery file's 'port' must be from 1 to 65535, not 0");
  }

  /**
   * Regression: `jlive detach` failed with "jlive: .../PID.json" when the stopping agent removed
   * its file mid-read.
   */
  @Test
  void aFileRemovedWhileItIsReadIsNoFile() throws Exception {
    Path file = Discovery.fileFor(temp, 4242);
    AtomicBoolean done = new AtomicBoolean();
    Thread churn =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  RECORD.writeTo(temp);
                  Files.deleteIfExists(file);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    churn.start();
    try {
      int seen = 0;
      for (int i = 0; i < 20_000; i++) {
        Optional<Discovery> read = Discovery.read(temp, 4242);
        seen += read.isPresent() ? 1 : 0;
        assertThat(read).isIn(Optional.empty(), Optional.of(RECORD));
      }
      assertThat(seen).isPositive();
    } finally {
      done.set(true);
      churn.join();
    }
  }
}

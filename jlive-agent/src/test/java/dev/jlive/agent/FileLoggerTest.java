package dev.jlive.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.agent.log.FileLogger;
import dev.jlive.protocol.UntrustedFileException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests {@link FileLogger} through its public API (it lives in {@code dev.jlive.agent.log}). */
class FileLoggerTest {

  @TempDir Path temp;

  private List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  @Test
  void writesLevelThreadAndFormattedMessage() throws IOException {
    Path file = temp.resolve("agent.log");
    try (FileLogger log = FileLogger.open("jlive", file, Level.INFO)) {
      log.log(Level.INFO, "attached to {0} with {1} classes", "pid-42", "17");
    }

    assertThat(lines(file))
        .singleElement()
        .asString()
        .contains(
            " INFO [" + Thread.currentThread().getName() + "] attached to pid-42 with 17 classes")
        .endsWith("attached to pid-42 with 17 classes");
  }

  @Test
  void aMessageWithoutParametersIsWrittenAsIs() throws IOException {
    Path file = temp.resolve("agent.log");
    try (FileLogger log = FileLogger.open("jlive", file, Level.DEBUG)) {
      log.log(Level.WARNING, "braces {0} stay");
      log.log(Level.DEBUG, () -> "from a supplier");
    }

    List<String> lines = lines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains(" WARNING ").endsWith("] braces {0} stay");
    assertThat(lines.get(1)).contains(" DEBUG ").endsWith("] from a supplier");
  }

  @Test
  void levelsBelowTheThresholdAreNotWritten() throws IOException {
    Path file = temp.resolve("agent.log");
    try (FileLogger log = FileLogger.open("jlive", file, Level.WARNING)) {
      assertThat(log.isLoggable(Level.INFO)).isFalse();
      assertThat(log.isLoggable(Level.ERROR)).isTrue();
      log.log(Level.DEBUG, "debug {0}", "x");
      log.log(Level.INFO, "info");
      log.log(Level.INFO, () -> "supplied info");
      log.log(Level.ERROR, "error {0}", "y");
    }

    assertThat(lines(file)).singleElement().asString().contains(" ERROR ").endsWith("] error y");
  }

  @Test
  void aThrowableIsFollowedByItsStackTrace() throws IOException {
    Path file = temp.resolve("agent.log");
    try (FileLogger log = FileLogger.open("jlive", file, Level.INFO)) {
      log.log(Level.ERROR, "request failed", new IllegalStateException("boom"));
    }

    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text)
        .contains(" ERROR [")
        .contains("] request failed" + System.lineSeparator())
        .contains("java.lang.IllegalStateException: boom")
        .contains("at " + FileLoggerTest.class.getName());
  }

  @Test
  void appendsToAnExistingLog() throws IOException {
    Path file = temp.resolve("agent.log");
    try (FileLogger log = FileLogger.open("jlive", file, Level.INFO)) {
      log.log(Level.INFO, "first");
    }
    try (FileLogger log = FileLogger.open("jlive", file, Level.INFO)) {
      log.log(Level.INFO, "second");
    }

    assertThat(lines(file))
        .hasSize(2)
        .satisfiesExactly(
            first -> assertThat(first).endsWith("] first"),
            second -> assertThat(second).endsWith("] second"));
  }

  @Test
  void anUnwritablePathDropsMessagesWithoutFailing() throws IOException {
    // A regular file where a folder is expected cannot be created under, even by root.
    Path notAFolder = Files.writeString(temp.resolve("plain-file"), "x");
    Path file = notAFolder.resolve("agent.log");

    assertThatCode(
            () -> {
              try (FileLogger log = FileLogger.open("jlive", file, Level.INFO)) {
                assertThat(log.getName()).isEqualTo("jlive");
                assertThat(log.isLoggable(Level.ERROR)).isFalse();
                log.log(Level.ERROR, "dropped {0}", "x");
                log.log(Level.ERROR, "dropped", new RuntimeException());
                log.log(Level.ERROR, () -> "dropped");
              }
            })
        .doesNotThrowAnyException();
    assertThat(notAFolder).isRegularFile().hasContent("x");
  }

  @Test
  void aFolderAsTheLogFileDropsMessagesWithoutFailing() {
    assertThatCode(
            () -> {
              try (FileLogger log = FileLogger.open("jlive", temp, Level.INFO)) {
                log.log(Level.ERROR, "dropped");
              }
            })
        .doesNotThrowAnyException();
  }

  @Test
  void loggingAfterCloseDoesNotFail() throws IOException {
    Path file = temp.resolve("agent.log");
    FileLogger log = FileLogger.open("jlive", file, Level.INFO);
    log.log(Level.INFO, "before");
    log.close();

    assertThatCode(() -> log.log(Level.INFO, "after")).doesNotThrowAnyException();
    assertThatCode(log::close).doesNotThrowAnyException();
    assertThat(lines(file)).singleElement().asString().endsWith("] before");
  }

  @Test
  void aNewLogIsReadableByItsOwnerOnly() throws IOException {
    Path file = temp.resolve("agent.log");
    try (FileLogger log = FileLogger.open("jlive", file, Level.INFO)) {
      log.log(Level.INFO, "hello");
    }

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void aLinkInPlaceOfTheLogIsRefusedAndNotFollowed() throws IOException {
    Path victim = Files.writeString(temp.resolve("victim"), "untouched\n");
    Path file = Files.createSymbolicLink(temp.resolve("agent.log"), victim);

    assertThatThrownBy(
            () -> FileLogger.open("jlive", file, Level.INFO).log(Level.ERROR, "appended"))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining(file + " is a symbolic link (to " + victim + ")");
    assertThat(victim).hasContent("untouched");
  }

  @Test
  void aLogOthersMayWriteIsRefused() throws IOException {
    Path file = Files.createFile(temp.resolve("agent.log"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

    assertThatThrownBy(() -> FileLogger.open("jlive", file, Level.INFO))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining("other users could change it");
  }
}

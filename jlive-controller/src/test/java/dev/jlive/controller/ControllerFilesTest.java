package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.JLiveException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's data directory is its own (0700) and its secrets are readable by it alone (0600,
 * from their first byte); a token file that others could read or could have planted is refused with
 * what to do.
 */
class ControllerFilesTest {
  private static TestingServer zooKeeper;

  @TempDir Path dir;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zooKeeper = new TestingServer(true);
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    zooKeeper.close();
  }

  @Test
  void theDataDirectoryIs0700AndEverySecretIs0600() throws Exception {
    Path dataDir = dir.resolve("a/controller");
    try (Controller controller = Controller.start(ControllerConfig.defaults(dataDir))) {
      assertThat(mode(dataDir)).isEqualTo("rwx------");
      assertThat(mode(controller.tokenFile())).isEqualTo("rw-------");
      assertThat(mode(dataDir.resolve("zookeeper-auth"))).isEqualTo("rw-------");
      // No temporary file is left behind.
      try (var files = Files.list(dataDir)) {
        assertThat(files.map(file -> file.getFileName().toString()))
            .noneMatch(name -> name.endsWith(".tmp"));
      }
    }
    // A restart reads the same secrets.
    String token = Files.readString(dataDir.resolve("token")).trim();
    try (Controller again = Controller.start(ControllerConfig.defaults(dataDir))) {
      assertThat(again.token()).isEqualTo(token);
    }
  }

  @Test
  void aDataDirectoryOthersCouldOnlyReadIsNarrowedTo0700() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("readable"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    start(dataDir, null).close();
    assertThat(mode(dataDir)).isEqualTo("rwx------");
  }

  @Test
  void aDataDirectoryOthersCanWriteToOrThatAnotherUserOwnsIsRefused() throws Exception {
    Path writable = Files.createDirectories(dir.resolve("writable"));
    Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertRefused(
        writable, null, "the controller's data directory " + writable + " is writable by other");

    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    Files.setOwner(foreign, nobody());
    assertRefused(foreign, null, "the controller's data directory " + foreign + " is owned by");
  }

  @Test
  void aTokenFileOthersCanReadIsRefused() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef0123456789abcdef\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
    JLiveException e = assertRefused(dir.resolve("data"), token, token + " has mode rw-r--r--");
    assertThat(e.hint()).contains("chmod 600 " + token);

    // The same file, made private, is accepted: the refusal was for its mode alone.
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    try (Controller controller = start(dir.resolve("data"), token)) {
      assertThat(controller.token()).isEqualTo("0123456789abcdef0123456789abcdef");
    }
  }

  @Test
  void aTokenFileInAFolderOthersCanWriteToIsRefused() throws Exception {
    Path open = Files.createDirectories(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path token =
        Files.writeString(
            open.resolve("token"),
            "0123456789abcdef0123456789abcdef\n",
            java.nio.file.StandardOpenOption.CREATE_NEW);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    assertRefused(dir.resolve("data"), token, "which other users may write to (mode 777)");
    // Nor is a new one made there.
    Files.delete(token);
    assertRefused(dir.resolve("data"), token, "which other users may write to (mode 777)");
    assertThat(token).doesNotExist();
  }

  @Test
  void aSymbolicLinkAsTokenFileIsRefused() throws Exception {
    Path real = Files.writeString(dir.resolve("real"), "0123456789abcdef0123456789abcdef\n");
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
    Path link = Files.createSymbolicLink(dir.resolve("token"), real);
    assertRefused(dir.resolve("data"), link, link + " is a symbolic link");
  }

  @Test
  void aTokenFileAnotherUserOwnsIsRefused() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef0123456789abcdef\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Files.setOwner(token, nobody());
    assertRefused(dir.resolve("data"), token, token + " is owned by nobody");
  }

  private Controller start(Path dataDir, Path tokenFile) throws Exception {
    ControllerConfig defaults =
        ControllerConfig.defaults(dataDir).withZooKeeper(zooKeeper.getConnectString());
    return Controller.start(
        new ControllerConfig(
            defaults.host(),
            defaults.port(),
            defaults.dataDir(),
            defaults.zookeeper(),
            tokenFile,
            defaults.heartbeat(),
            null,
            null,
            false,
            null,
            null));
  }

  private JLiveException assertRefused(Path dataDir, Path tokenFile, String message) {
    JLiveException e =
        catchThrowableOfType(JLiveException.class, () -> start(dataDir, tokenFile).close());
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getMessage()).contains(message);
    assertThat(e.hint()).isNotBlank();
    return e;
  }

  private static UserPrincipal nobody() throws Exception {
    return Path.of("/")
        .getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody");
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }
}

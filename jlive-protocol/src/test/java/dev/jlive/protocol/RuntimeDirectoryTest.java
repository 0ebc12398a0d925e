package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeDirectoryTest {
  private static final Path DEFAULT =
      Paths.get(System.getProperty("java.io.tmpdir"), "jlive-" + System.getProperty("user.name"));

  @TempDir Path temp;

  @Test
  void thePropertyBeatsTheEnvironment() {
    assertThat(
            RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, "/from/env"), "/from/property"))
        .isEqualTo(Paths.get("/from/property"));
  }

  @Test
  void theEnvironmentBeatsTheDefault() {
    assertThat(RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, "/from/env"), null))
        .isEqualTo(Paths.get("/from/env"));
  }

  @Test
  void aBlankPropertyFallsBackToTheEnvironment() {
    assertThat(RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, "/from/env"), "  "))
        .isEqualTo(Paths.get("/from/env"));
  }

  @Test
  void withNeitherItIsAPerUserFolderInTheTempDirectory() {
    assertThat(RuntimeDirectory.resolve(Map.of(), null)).isEqualTo(DEFAULT);
    assertThat(RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, ""), "")).isEqualTo(DEFAULT);
    assertThat(RuntimeDirectory.resolve(Map.of("OTHER", "/x"), null)).isEqualTo(DEFAULT);
  }

  @Test
  void createsAMissingFolderPrivateToUs() throws IOException {
    Path dir = RuntimeDirectory.ensure(temp.resolve("a/b/jlive-me"));

    assertThat(dir).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(Files.getOwner(dir)).isEqualTo(FileTrust.currentUser());
  }

  @Test
  void acceptsItsOwnFolderAgain() throws IOException {
    Path dir = RuntimeDirectory.ensure(temp.resolve("jlive-me"));

    assertThat(RuntimeDirectory.ensure(dir)).isEqualTo(dir);
  }

  @Test
  void refusesAFolderOfAnotherUser() throws IOException {
    UserPrincipal nobody = otherUser();
    Path dir = Files.createDirectory(temp.resolve("jlive-me"), FileTrust.permissions("rwx------"));
    Files.setOwner(dir, nobody);

    assertThatThrownBy(() -> RuntimeDirectory.ensure(dir))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining(
            "the jlive runtime directory "
                + dir
                + " is owned by nobody, not by "
                + FileTrust.currentUser().getName())
        .hasMessageContaining("rm -r " + dir)
        .hasMessageContaining("set JLIVE_RUNTIME_DIR");
    // Refused, not taken over: the mode stays what its owner made it.
    assertThat(Files.getOwner(dir)).isEqualTo(nobody);
  }

  @Test
  void refusesALinkToAFolder() throws IOException {
    Path real = RuntimeDirectory.ensure(temp.resolve("real"));
    Path link = Files.createSymbolicLink(temp.resolve("jlive-me"), real);

    assertThatThrownBy(() -> RuntimeDirectory.ensure(link))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining(link + " is a symbolic link (to " + real + ")");
  }

  @Test
  void refusesAFileWhereTheFolderShouldBe() throws IOException {
    Path file = Files.createFile(temp.resolve("jlive-me"));

    assertThatThrownBy(() -> RuntimeDirectory.ensure(file))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining("is not a directory");
  }

  @Test
  void refusesAFolderInsideOneThatOthersMayWrite() throws IOException {
    Path open = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> RuntimeDirectory.ensure(open.resolve("jlive-me")))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining(
            "lies in " + open.toRealPath() + ", which other users may write to (mode 777)");
  }

  @Test
  void acceptsAFolderInsideOneThatOnlyItsOwnersGroupMayWrite() throws IOException {
    // What umask 002 with a private group per user (Ubuntu's default) makes of every folder.
    Path project = Files.createDirectory(temp.resolve("project"));
    Files.setPosixFilePermissions(project, PosixFilePermissions.fromString("rwxrwxr-x"));

    assertThat(RuntimeDirectory.ensure(project.resolve("jlive-me"))).isDirectory();
  }

  @Test
  void refusesAFolderInsideOneThatAnotherGroupMayWrite() throws IOException {
    otherUser();
    Path shared = Files.createDirectory(temp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
    Files.getFileAttributeView(shared, PosixFileAttributeView.class)
        .setGroup(
            shared
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByGroupName("nogroup"));

    assertThatThrownBy(() -> RuntimeDirectory.ensure(shared.resolve("jlive-me")))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining(
            "lies in " + shared.toRealPath() + ", which other users may write to (mode 775)");
  }

  @Test
  void acceptsAFolderInsideAStickyOneLikeTmp() throws Exception {
    Path sticky = Files.createDirectory(temp.resolve("sticky"));
    Process chmod = new ProcessBuilder("chmod", "1777", sticky.toString()).inheritIO().start();
    assertThat(chmod.waitFor()).isZero();

    Path dir = RuntimeDirectory.ensure(sticky.resolve("jlive-me"));

    assertThat(dir).isDirectory();
  }

  @Test
  void refusesAFileOfAnotherUser() throws IOException {
    UserPrincipal nobody = otherUser();
    Path file = Files.createFile(temp.resolve("4242.json"), FileTrust.permissions("rw-------"));
    Files.setOwner(file, nobody);

    assertThatThrownBy(() -> FileTrust.checkFile(file, FileTrust.currentUser(), true))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining(file + " is owned by nobody");
  }

  @Test
  void aFileOthersMayWriteIsRefusedEvenWhenNotSecret() throws IOException {
    Path file = Files.createFile(temp.resolve("4242.log"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

    assertThatThrownBy(() -> FileTrust.checkFile(file, FileTrust.currentUser(), false))
        .isInstanceOf(UntrustedFileException.class)
        .hasMessageContaining("other users could change it");
  }

  @Test
  void writesAtomicallyWithTheModeAsked() throws IOException {
    Path file =
        FileTrust.writeAtomically(temp.resolve("x.json"), new byte[] {1, 2, 3}, "rw-------");

    assertThat(FileTrust.readNoFollow(file)).containsExactly(1, 2, 3);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var names = Files.list(temp)) {
      assertThat(names).containsExactly(file);
    }
  }

  /** Changing a file's owner takes root; the CI runs the build as root. */
  private static UserPrincipal otherUser() throws IOException {
    Assumptions.assumeTrue(
        FileTrust.currentUser().getName().equals("root"),
        "needs root to give a file to another user");
    return Path.of("/")
        .getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody");
  }
}

package dev.jlive.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.cli.CliException;
import dev.jlive.protocol.RuntimeDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentJarTest {
  private static final byte[] JAR = "the agent's bytes".getBytes(StandardCharsets.UTF_8);

  @TempDir Path temp;

  @BeforeEach
  void useATestRuntimeDirectory() {
    System.setProperty(RuntimeDirectory.PROPERTY, temp.resolve("runtime").toString());
  }

  @AfterEach
  void restore() {
    System.clearProperty(RuntimeDirectory.PROPERTY);
  }

  @Test
  void forOurOwnJvmsTheJarGoesToThePrivateRuntimeDirectoryNamedByContent() throws Exception {
    AgentJar.Written jar = AgentJar.write("jlive-agent.jar", JAR, false);

    assertThat(jar.path().getParent()).isEqualTo(temp.resolve("runtime"));
    assertThat(jar.path().getFileName().toString())
        .isEqualTo("jlive-agent-" + jar.sha256().substring(0, 12) + ".jar");
    assertThat(jar.path()).hasBinaryContent(JAR);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.path())))
        .isEqualTo("rw-------");
    AgentJar.verify(jar);
  }

  @Test
  void aCachedJarThatNoLongerHoldsTheBytesIsWrittenAgain() throws Exception {
    AgentJar.Written first = AgentJar.write("jlive-agent.jar", JAR, false);
    Files.writeString(first.path(), "something else");

    AgentJar.Written again = AgentJar.write("jlive-agent.jar", JAR, false);

    assertThat(again.path()).isEqualTo(first.path()).hasBinaryContent(JAR);
  }

  @Test
  void forAnotherUsersJvmTheJarGoesToAFreshFolderOnlyWeCanWrite() throws Exception {
    AgentJar.Written jar = AgentJar.write("jlive-agent.jar", JAR, true);

    assertThat(jar.path()).hasBinaryContent(JAR);
    assertThat(jar.path().getParent().getFileName().toString()).startsWith("jlive-attach-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.path().getParent())))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.path())))
        .isEqualTo("rw-r--r--");
    assertThat(AgentJar.write("jlive-agent.jar", JAR, true).path().getParent())
        .isNotEqualTo(jar.path().getParent());
  }

  @Test
  void aJarChangedBeforeTheLoadIsRefused() throws Exception {
    AgentJar.Written jar = AgentJar.write("jlive-agent.jar", JAR, false);
    Files.writeString(jar.path(), "swapped");

    assertThatThrownBy(() -> AgentJar.verify(jar))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("the agent jar " + jar.path() + " changed after jlive wrote it")
        .hasMessageContaining("nothing was loaded")
        .extracting(e -> ((CliException) e).code())
        .isEqualTo("AGENT_JAR_CHANGED");
  }

  @Test
  void aRuntimeDirectoryOthersCanWriteIsRefusedBeforeTheJarIsWritten() throws Exception {
    Path runtime = Files.createDirectory(temp.resolve("runtime"));
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> AgentJar.write("jlive-agent.jar", JAR, false))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("is writable by other users")
        .extracting(e -> ((CliException) e).code())
        .isEqualTo("UNTRUSTED_RUNTIME_DIR");
    try (var files = Files.list(runtime)) {
      assertThat(files).isEmpty();
    }
  }
}

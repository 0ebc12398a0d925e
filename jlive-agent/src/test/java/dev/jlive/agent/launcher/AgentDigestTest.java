package dev.jlive.agent.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentDigestTest {
  /** SHA-256 of the three bytes "abc". */
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path temp;

  @Test
  void theJarTheCliMeantPassesAndTheOptionIsNotPassedOn() throws IOException {
    File jar = Files.writeString(temp.resolve("agent.jar"), "abc").toFile();

    assertThat(AgentLauncher.checkDigest("port=0,agentSha256=" + ABC + ",quiet", jar, false))
        .isEqualTo("port=0,quiet");
    assertThat(AgentLauncher.checkDigest("agentSha256=" + ABC.toUpperCase(Locale.ROOT), jar, false))
        .isEmpty();
  }

  @Test
  void aReplacedJarIsRefused() throws IOException {
    File jar = Files.writeString(temp.resolve("agent.jar"), "abd").toFile();

    assertThatThrownBy(() -> AgentLauncher.checkDigest("agentSha256=" + ABC, jar, false))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("is not the one jlive meant to load")
        .hasMessageContaining("expected " + ABC);
  }

  @Test
  void aNamedJarIsNotPassedOnAndItsRefusalSaysOnlyThatItChanged() throws IOException {
    Path jar = Files.writeString(temp.resolve("agent.jar"), "abc");
    String stamp = AgentLauncher.stampOf(jar);
    String options = "port=0,agentJar=" + jar + ",agentStamp=" + stamp + ",quiet";

    assertThat(AgentLauncher.optionValue(options, AgentLauncher.JAR_OPTION))
        .isEqualTo(jar.toString());
    assertThat(AgentLauncher.checkDigest(options, jar.toFile(), true)).isEqualTo("port=0,quiet");
    assertThatThrownBy(
            () ->
                AgentLauncher.checkDigest(
                    "agentJar=" + jar + ",agentStamp=1-3-1", jar.toFile(), true))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("it changed after the attaching jlive checked it")
        .hasMessageNotContaining("another build");
    // Not named: the jar is the launcher's own, so a CLI of another build is the likelier cause.
    assertThatThrownBy(() -> AgentLauncher.checkDigest("agentStamp=1-3-1", jar.toFile(), false))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("a jlive CLI of another build")
        .hasMessageContaining("or the jar changed after the attach began");
  }

  @Test
  void withoutADigestNothingIsChecked() throws IOException {
    assertThat(AgentLauncher.checkDigest("port=0", new File(temp.toFile(), "missing.jar"), false))
        .isEqualTo("port=0");
    assertThat(AgentLauncher.checkDigest("", new File(temp.toFile(), "missing.jar"), false))
        .isEmpty();
  }

  @Test
  void theStampTheCliSawPassesAndTheOptionIsNotPassedOn() throws IOException {
    Path jar = Files.writeString(temp.resolve("agent.jar"), "abc");
    String stamp = AgentLauncher.stampOf(jar);

    assertThat(stamp).matches("\\d+-3-\\d+");
    assertThat(
            AgentLauncher.checkDigest("port=0,agentStamp=" + stamp + ",quiet", jar.toFile(), false))
        .isEqualTo("port=0,quiet");
  }

  @Test
  void aJarWrittenAfterTheCliSawItIsRefused() throws IOException {
    Path jar = Files.writeString(temp.resolve("agent.jar"), "abc");
    String stamp = AgentLauncher.stampOf(jar);
    // The file system's clock ticks in milliseconds: wait for the next tick, so that the write
    // below gets a later status-change time than the one the stamp holds.
    Path tick = temp.resolve("tick");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !statusChange(Files.writeString(tick, "x")).equals(statusChange(jar)));
    // Same size, other bytes: only the status-change time tells.
    Files.writeString(jar, "abd");

    assertThatThrownBy(() -> AgentLauncher.checkDigest("agentStamp=" + stamp, jar.toFile(), false))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("is not the one jlive meant to load")
        .hasMessageContaining("expected " + stamp);
  }

  @Test
  void aJarPutInPlaceOfTheOneTheCliSawIsRefused() throws IOException {
    Path jar = Files.writeString(temp.resolve("agent.jar"), "abc");
    String stamp = AgentLauncher.stampOf(jar);
    Path other = Files.writeString(temp.resolve("other.jar"), "abc");
    Files.move(other, jar, StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> AgentLauncher.checkDigest("agentStamp=" + stamp, jar.toFile(), false))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("expected " + stamp);
  }

  private static Object statusChange(Path file) throws IOException {
    return Files.getAttribute(file, "unix:ctime");
  }
}

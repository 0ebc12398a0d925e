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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Attach checks the agent jar by its file stamp (inode, size, status-change time) instead of
 * hashing it in the CLI and again in the target (issue 16, attach time): the agent refuses a jar
 * whose stamp is not the one the CLI saw, and the CLI compares a cached copy's bytes again once its
 * stamp moved.
 */
class AttachStampTest {

  @Test
  void aJarWhoseStampIsNotTheOneTheCliSawIsRefusedByTheAgent() throws Exception {
    String otherStamp = "1-2-3";
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("agentStamp=" + otherStamp)
            .main(IdleApp.class)
            .start()) {
      target.awaitLine("jlive: agent not started", true);

      assertThat(target.stderr())
          .anyMatch(
              line ->
                  line.contains(
                          "the agent jar "
                              + Artifacts.agentJar()
                              + " is not the one jlive meant to load")
                      && line.contains("expected " + otherStamp));
      assertThat(Discovery.fileFor(Artifacts.runtimeDir(), target.pid())).doesNotExist();
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
    // The control: the jar's real stamp lets the agent start.
    try (TargetJvm target =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("agentStamp=" + stampOf(Artifacts.agentJar()))
            .main(IdleApp.class)
            .start()) {
      target.awaitLine("jlive agent", true);
      assertThat(Discovery.read(Artifacts.runtimeDir(), target.pid())).isPresent();
    }
  }

  @Test
  void aCachedCopyWrittenToAfterItsCheckIsComparedAndWrittenAgain() throws Exception {
    attachToAFreshJvm();
    Path cached = cachedAgentJar();
    Path checked = cached.resolveSibling(cached.getFileName() + ".checked");
    assertThat(checked).hasContent(stampOf(cached));
    byte[] good = Files.readAllBytes(cached);
    try {
      // Same size, one byte changed: only the bytes (or the stamp) tell.
      Files.write(cached, flipped(good));

      attachToAFreshJvm();

      assertThat(cached).hasBinaryContent(good);
      assertThat(checked).hasContent(stampOf(cached));

      // The negative control: a copy whose recorded stamp is its current one is taken as checked,
      // changed bytes and all; only its owner (or root) can write there, which is what makes the
      // stamp enough.
      Files.write(cached, flipped(good));
      Files.writeString(checked, stampOf(cached), StandardCharsets.UTF_8);
      try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
        jlive("attach", Long.toString(target.pid()));
      }
      assertThat(cached).hasBinaryContent(flipped(good));
    } finally {
      // Later tests get a copy the CLI writes and checks afresh.
      Files.deleteIfExists(checked);
      Files.deleteIfExists(cached);
    }
  }

  private static void attachToAFreshJvm() throws Exception {
    try (TargetJvm target = TargetJvm.on(Jdk.JAVA_17).main(IdleApp.class).start()) {
      CliRun attach = jlive("attach", Long.toString(target.pid()));
      assertThat(attach.exitCode()).as(attach.toString()).isZero();
      assertThat(target.ask("ping", "pong")).isEqualTo("pong");
    }
  }

  private static byte[] flipped(byte[] bytes) {
    byte[] changed = bytes.clone();
    changed[changed.length / 2] ^= 1;
    return changed;
  }

  /** The copy the CLI keeps in the runtime directory, named by the embedded jar's digest. */
  private static Path cachedAgentJar() throws Exception {
    String digest =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(Artifacts.agentJar())));
    return Artifacts.runtimeDir().resolve("jlive-agent-" + digest.substring(0, 12) + ".jar");
  }

  /** As the CLI and the agent's launcher compute it. */
  private static String stampOf(Path file) throws IOException {
    Map<String, Object> attributes =
        Files.readAttributes(file, "unix:ino,size,ctime", LinkOption.NOFOLLOW_LINKS);
    return attributes.get("ino")
        + "-"
        + attributes.get("size")
        + "-"
        + ((FileTime) attributes.get("ctime")).to(TimeUnit.NANOSECONDS);
  }
}

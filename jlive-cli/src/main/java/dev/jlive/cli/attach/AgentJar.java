package dev.jlive.cli.attach;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.RuntimeDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The jars the CLI carries inside itself (the agent, the demo service), written out to files
 * because the JVM loads agents and runs jars only from files.
 */
public final class AgentJar {
  public static final String ENV = "JLIVE_AGENT_JAR";

  private AgentJar() {}

  /** The agent jar: {@code $JLIVE_AGENT_JAR} if set, else the one embedded in this CLI. */
  public static Path agent(boolean readableByOthers) {
    String override = System.getenv(ENV);
    if (override != null && !override.isBlank()) {
      Path path = Paths.get(override);
      if (!Files.isRegularFile(path)) {
        throw new CliException(ExitCode.USAGE, "USAGE", ENV + "=" + override + " is not a file", "unset it to use the agent built into jlive");
      }
      return path.toAbsolutePath();
    }
    return extract("jlive-agent.jar", readableByOthers);
  }

  public static Path demo() {
    return extract("jlive-demo.jar", false);
  }

  /**
   * Writes an embedded jar to the private runtime directory, named by its content so that each
   * version is written once. A JVM of another user cannot read that directory, so for one the
   * jar goes to a fresh temporary file that only we can write but everyone can read.
   */
  static Path extract(String name, boolean readableByOthers) {
    byte[] bytes = read(name);
    try {
      if (readableByOthers) {
        Path file = Files.createTempFile("jlive-", "-" + name);
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        file.toFile().deleteOnExit();
        return file;
      }
      Path dir = RuntimeDirectory.ensure(RuntimeDirectory.resolve());
      Path file = dir.resolve(name.replace(".jar", "-" + digest(bytes) + ".jar"));
      if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
        Path temp = Files.createTempFile(dir, "extract", ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return file;
    } catch (IOException e) {
      throw new CliException(ExitCode.ERROR, "IO_ERROR", "cannot write " + name + ": " + e.getMessage(),
          "check that " + RuntimeDirectory.resolve() + " is writable, or set " + RuntimeDirectory.ENV);
    }
  }

  private static byte[] read(String name) {
    try (InputStream in = AgentJar.class.getResourceAsStream("/dev/jlive/cli/embedded/" + name)) {
      if (in == null) {
        throw new CliException(ExitCode.ERROR, "INCOMPLETE_BUILD", "this jlive has no " + name + " inside",
            "build it with `mvn -B package` from the project root, which embeds the agent and the demo");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new CliException(ExitCode.ERROR, "IO_ERROR", "cannot read the embedded " + name + ": " + e.getMessage(),
          "rebuild jlive with `mvn -B package` from the project root");
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

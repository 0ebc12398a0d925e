package dev.jlive.cli.attach;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.Targets;
import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.UntrustedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The jars the CLI carries inside itself (the agent, the demo service), written out to files
 * because the JVM loads agents and runs jars only from files.
 *
 * <p>What the target loads must be what the CLI meant, so the bytes are read once (from inside the
 * CLI, or from {@code $JLIVE_AGENT_JAR}) and written where no other user can change them: the
 * checked runtime directory of our own user, or for another user's JVM a fresh folder that only
 * root can write. The written file is compared with those bytes, and its stamp from then goes to
 * the agent, which checks it before it loads more than its launcher.
 */
public final class AgentJar {
  public static final String ENV = "JLIVE_AGENT_JAR";

  /**
   * A jar written out for loading, with the SHA-256 of the bytes meant to be in it and its file
   * stamp (inode, size, status-change time) from when those bytes were checked: the agent checks
   * the stamp before it loads anything more from the jar.
   */
  public record Written(Path path, String sha256, String stamp) {}

  /**
   * Beside a cached jar: its stamp from when its bytes were last compared with the embedded jar.
   */
  private static final String CHECKED_SUFFIX = ".checked";

  private AgentJar() {}

  /**
   * The agent jar: {@code $JLIVE_AGENT_JAR} if set, else the one embedded in this CLI, copied to a
   * private file. {@code forAnotherUser} puts it where that user's JVM can read it.
   */
  public static Written agent(boolean forAnotherUser) {
    String override = System.getenv(ENV);
    String digest = override == null || override.isBlank() ? embeddedDigest() : null;
    if (digest != null && !forAnotherUser) {
      Written cached = checkedCopy(digest);
      if (cached != null) {
        return cached;
      }
    }
    byte[] bytes = agentBytes();
    Written jar =
        write("jlive-agent.jar", bytes, digest == null ? sha256(bytes) : digest, forAnotherUser);
    verify(jar, bytes);
    if (!forAnotherUser) {
      remember(jar);
    }
    return jar;
  }

  /**
   * The copy an earlier attach wrote and compared with the embedded jar, if its stamp says nobody
   * wrote to it or replaced it since: reading and comparing 9 MB again is most of what attach costs
   * in a CLI that has just started on a busy host (docs/BENCHMARKS.md, attach). Only this user and
   * root can write in the runtime directory, and both files are checked to be ours.
   */
  private static Written checkedCopy(String digest) {
    try {
      Path dir = RuntimeDirectory.ensure(RuntimeDirectory.resolve());
      Path file = dir.resolve(cachedName("jlive-agent.jar", digest));
      Path checked = file.resolveSibling(file.getFileName() + CHECKED_SUFFIX);
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)
          || !Files.exists(checked, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      UserPrincipal me = FileTrust.currentUser();
      FileTrust.checkFile(file, me, false);
      FileTrust.checkFile(checked, me, false);
      String stamp = stampOf(file);
      boolean unchanged =
          stamp.equals(new String(FileTrust.readNoFollow(checked), StandardCharsets.UTF_8));
      return unchanged ? new Written(file, digest, stamp) : null;
    } catch (IOException e) {
      // Untrusted or unreadable: the full path below writes and checks it again, or says why not.
      return null;
    }
  }

  /** Notes that {@code jar}'s bytes were just compared, for {@link #checkedCopy}. */
  private static void remember(Written jar) {
    Path checked = jar.path().resolveSibling(jar.path().getFileName() + CHECKED_SUFFIX);
    try {
      FileTrust.writeAtomically(checked, jar.stamp().getBytes(StandardCharsets.UTF_8), "rw-------");
    } catch (IOException e) {
      // Only a speed-up: the next attach compares the bytes again.
    }
  }

  /**
   * The SHA-256 of the embedded agent jar, which the build wrote beside it (see the CLI's pom);
   * null if this build has none.
   */
  private static String embeddedDigest() {
    try (InputStream in =
        AgentJar.class.getResourceAsStream("/dev/jlive/cli/embedded/jlive-agent.jar.sha256")) {
      if (in == null) {
        return null;
      }
      String digest = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return digest.matches("[0-9a-f]{64}") ? digest : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A file's inode, size and status-change time (nanoseconds): writing to the file or putting
   * another in its place changes it, and only root can set a status-change time. The agent's
   * launcher computes the same text ({@code AgentLauncher.stampOf}) before it loads its core; the
   * two must stay alike.
   */
  static String stampOf(Path file) throws IOException {
    Map<String, Object> attributes =
        Files.readAttributes(file, "unix:ino,size,ctime", LinkOption.NOFOLLOW_LINKS);
    return attributes.get("ino")
        + "-"
        + attributes.get("size")
        + "-"
        + ((FileTime) attributes.get("ctime")).to(TimeUnit.NANOSECONDS);
  }

  /**
   * Copies the agent jar to {@code target} (mode 0644) for {@code -javaagent:}: a path that stays,
   * unlike the copies attach makes. An existing file is replaced only with {@code replace}, or when
   * it already holds these bytes.
   */
  public static Written export(Path target, boolean replace) {
    byte[] bytes = agentBytes();
    String sha256 = sha256(bytes);
    Path file = target.toAbsolutePath().normalize();
    try {
      if (Files.isDirectory(file)) {
        file = file.resolve("jlive-agent.jar");
      }
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        boolean same =
            Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && sha256(Files.readAllBytes(file)).equals(sha256);
        if (same) {
          return new Written(file, sha256, stampOf(file));
        }
        if (!replace) {
          throw new CliException(
              ExitCode.USAGE,
              "FILE_EXISTS",
              file + " exists and holds something else",
              "add --force to replace it, or give another path");
        }
      }
      FileTrust.writeAtomically(file, bytes, "rw-r--r--");
      // Set again: the umask may have narrowed the mode given at creation.
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      return new Written(file, sha256, stampOf(file));
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR,
          "IO_ERROR",
          "cannot write " + file + ": " + e.getMessage(),
          "check that " + file.getParent() + " exists and is writable");
    }
  }

  /** {@code $JLIVE_AGENT_JAR}'s bytes if set, else the agent embedded in this CLI. */
  private static byte[] agentBytes() {
    String override = System.getenv(ENV);
    if (override == null || override.isBlank()) {
      return read("jlive-agent.jar");
    }
    Path path = Paths.get(override);
    if (!Files.isRegularFile(path)) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          ENV + "=" + override + " is not a file",
          "unset it to use the agent built into jlive");
    }
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "cannot read " + ENV + "=" + override + ": " + e.getMessage(),
          "unset it to use the agent built into jlive");
    }
  }

  public static Path demo() {
    return write("jlive-demo.jar", read("jlive-demo.jar"), false).path();
  }

  /**
   * Checks, right before the JVM opens it, that the file still holds what was written. Between this
   * and the load only its owner (us, or root) could change it; the agent checks the digest once
   * more when it starts.
   */
  public static void verify(Written jar) {
    try {
      String now = sha256(FileTrust.readNoFollow(jar.path()));
      if (!now.equals(jar.sha256())) {
        throw changed(jar, now);
      }
    } catch (IOException e) {
      throw unreadable(jar, e);
    }
  }

  /**
   * As {@link #verify(Written)}, against the bytes themselves: a plain comparison costs a fraction
   * of a SHA-256 of a 9 MB jar in a CLI that has just started (docs/BENCHMARKS.md, attach).
   */
  static void verify(Written jar, byte[] expected) {
    try {
      byte[] now = FileTrust.readNoFollow(jar.path());
      if (!Arrays.equals(now, expected)) {
        throw changed(jar, sha256(now));
      }
    } catch (IOException e) {
      throw unreadable(jar, e);
    }
  }

  private static CliException changed(Written jar, String now) {
    return new CliException(
        ExitCode.ERROR,
        "AGENT_JAR_CHANGED",
        "the agent jar "
            + jar.path()
            + " changed after jlive wrote it (SHA-256 "
            + now
            + ", expected "
            + jar.sha256()
            + "); nothing was loaded",
        "check who else can write " + jar.path().getParent() + ", then attach again");
  }

  private static CliException unreadable(Written jar, IOException e) {
    return new CliException(
        ExitCode.ERROR,
        "IO_ERROR",
        "cannot read back the agent jar " + jar.path() + ": " + e.getMessage(),
        "attach again; if it keeps failing, check " + jar.path().getParent());
  }

  /**
   * For our own JVMs: into the checked runtime directory, named by content so that each version is
   * written once (and reused only if it still holds exactly those bytes). For another user's: a
   * fresh folder (a new random name, so nobody can have made it before) readable by all and
   * writable by us only, removed when the CLI exits.
   */
  static Written write(String name, byte[] bytes, boolean forAnotherUser) {
    return write(name, bytes, sha256(bytes), forAnotherUser);
  }

  /**
   * As {@link #write(String, byte[], boolean)}, with the bytes' SHA-256 known. The stamp is taken
   * after writing and before the caller compares the bytes, so a change after the comparison shows
   * in the stamp.
   */
  private static Written write(String name, byte[] bytes, String sha256, boolean forAnotherUser) {
    Path dir = null;
    try {
      if (forAnotherUser) {
        dir = Files.createTempDirectory("jlive-attach-", FileTrust.permissions("rwx------"));
        dir.toFile().deleteOnExit();
        Path file = FileTrust.writeAtomically(dir.resolve(name), bytes, "rw-------");
        file.toFile().deleteOnExit();
        // Opened up only now that it is complete, and set explicitly since the umask may narrow a
        // mode given at creation.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new Written(file, sha256, stampOf(file));
      }
      dir = RuntimeDirectory.ensure(RuntimeDirectory.resolve());
      Path file = dir.resolve(cachedName(name, sha256));
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)
          || !Arrays.equals(FileTrust.readNoFollow(file), bytes)) {
        FileTrust.writeAtomically(file, bytes, "rw-------");
      }
      FileTrust.checkFile(file, FileTrust.currentUser(), false);
      return new Written(file, sha256, stampOf(file));
    } catch (UntrustedFileException e) {
      throw Targets.untrusted(e);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR,
          "IO_ERROR",
          "cannot write " + name + ": " + e.getMessage(),
          "check that "
              + (dir == null ? RuntimeDirectory.resolve() : dir)
              + " is writable, or set "
              + RuntimeDirectory.ENV);
    }
  }

  /** Named by content, so that each version is written once. */
  private static String cachedName(String name, String sha256) {
    return name.replace(".jar", "-" + sha256.substring(0, 12) + ".jar");
  }

  private static byte[] read(String name) {
    try (InputStream in = AgentJar.class.getResourceAsStream("/dev/jlive/cli/embedded/" + name)) {
      if (in == null) {
        throw new CliException(
            ExitCode.ERROR,
            "INCOMPLETE_BUILD",
            "this jlive has no " + name + " inside",
            "build it with `mvn -B package` from the project root, which embeds the agent and the demo");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR,
          "IO_ERROR",
          "cannot read the embedded " + name + ": " + e.getMessage(),
          "rebuild jlive with `mvn -B package` from the project root");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

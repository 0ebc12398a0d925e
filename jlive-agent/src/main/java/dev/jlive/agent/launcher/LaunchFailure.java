package dev.jlive.agent.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Why the launcher did not start the agent, left as {@code <runtime dir>/<pid>.error} where the
 * core leaves its own start failures ({@code StartFailure}) and the CLI reads them. Thrown from
 * {@code agentmain}, the reason would reach the attaching tool only as "agent failed to initialize"
 * while the JVM printed its stack trace on the application's stderr.
 *
 * <p>Plain JDK code on purpose: the launcher refuses before it runs anything from the core, whose
 * jar may be the very thing refused, so it cannot use the core's {@code FileTrust} and {@code
 * RuntimeDirectory}. What it does here follows them and must stay alike: the same folder, and the
 * same checks before anything is written there.
 *
 * <p>The file: the reason on the first line (what CLIs of every build show), {@code code: <CODE>}
 * on the second (which newer CLIs turn into their error code), then a blank line and the stack
 * trace.
 */
final class LaunchFailure {
  static final String CODE_PREFIX = "code: ";

  /** A refusal the launcher makes on purpose, with the code the CLI reports it under. */
  static final class Refusal extends SecurityException {
    private static final long serialVersionUID = 1L;
    private final String code;

    Refusal(String code, String message) {
      super(message);
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  /** The launcher opened the jar the CLI named, and its stamp or digest is not the one expected. */
  static final String AGENT_JAR_CHANGED = "AGENT_JAR_CHANGED";

  /**
   * The launcher opened its own jar (the CLI did not name one) and it is not the one expected:
   * another build's launcher kept by the JVM, or the jar changed.
   */
  static final String AGENT_JAR_NOT_MEANT = "AGENT_JAR_NOT_MEANT";

  /** Anything else that stopped the launcher: the bridge unusable, the jar unreadable. */
  static final String LAUNCHER_FAILED = "LAUNCHER_FAILED";

  private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final int STICKY = 01000;
  private static final int GROUP_WRITE = 0020;
  private static final int OTHERS_WRITE = 0002;

  private LaunchFailure() {}

  /**
   * Writes the failure where the CLI looks for it; returns false when the runtime directory is
   * unusable or not trusted, in which case nothing is written (the CLI then says the agent did not
   * start, and where its log would be).
   */
  static boolean record(String options, Throwable failure) {
    try {
      Path dir = privateRuntimeDirectory(runtimeDirectory(options));
      write(dir.resolve(ProcessHandle.current().pid() + ".error"), text(failure));
      return true;
    } catch (IOException | RuntimeException unusable) {
      return false;
    }
  }

  /** One line, for {@code -javaagent}'s stderr and the file's first line. */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    String text = message == null ? failure.toString() : message;
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  static String codeOf(Throwable failure) {
    return failure instanceof Refusal refusal ? refusal.code() : LAUNCHER_FAILED;
  }

  private static String text(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    String line = System.lineSeparator();
    return describe(failure) + line + CODE_PREFIX + codeOf(failure) + line + line + trace;
  }

  /**
   * As the core's {@code AgentOptions} and {@code RuntimeDirectory}: the {@code runtimeDir} option
   * (the CLI gives it for another user's JVM), else {@code -Djlive.runtimeDir}, else {@code
   * $JLIVE_RUNTIME_DIR}, else {@code <java.io.tmpdir>/jlive-<user>}.
   */
  static Path runtimeDirectory(String options) {
    String option = AgentLauncher.optionValue(options, "runtimeDir=");
    if (option != null && !option.isBlank()) {
      return Paths.get(option);
    }
    String property = System.getProperty("jlive.runtimeDir");
    if (property != null && !property.isBlank()) {
      return Paths.get(property);
    }
    String fromEnv = System.getenv("JLIVE_RUNTIME_DIR");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Paths.get(fromEnv);
    }
    return Paths.get(
        System.getProperty("java.io.tmpdir"), "jlive-" + System.getProperty("user.name"));
  }

  /**
   * The folder, made 0700 if absent (its parent must exist), and refused unless it is ours alone
   * and no other user can rename it away: as {@code FileTrust.checkDirectory}. POSIX only, as jlive
   * is: elsewhere nothing is written.
   */
  private static Path privateRuntimeDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException madeBefore) {
      // By the core or the CLI, or by someone else: the checks below tell which.
    }
    PosixFileAttributes attributes =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()
        || !attributes.isDirectory()
        || !attributes.owner().equals(currentUser())
        || attributes.permissions().stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
      throw new IOException(dir + " is not a private folder of this JVM's user");
    }
    checkFoldersAbove(dir);
    return dir;
  }

  /**
   * Each folder above owned by root or the folder's owner, and not writable by others unless
   * sticky.
   */
  private static void checkFoldersAbove(Path dir) throws IOException {
    int ownerUid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int ownerGid = (Integer) Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    Path parent = dir.toAbsolutePath().getParent();
    for (Path folder = parent == null ? null : parent.toRealPath();
        folder != null;
        folder = folder.getParent()) {
      int uid = (Integer) Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int gid = (Integer) Files.getAttribute(folder, "unix:gid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      boolean foreignGroupWrite =
          (mode & GROUP_WRITE) != 0 && !(uid == ownerUid && gid == ownerGid);
      boolean othersMayReplace =
          (mode & STICKY) == 0 && ((mode & OTHERS_WRITE) != 0 || foreignGroupWrite);
      if ((uid != 0 && uid != ownerUid) || othersMayReplace) {
        throw new IOException(dir + " lies in " + folder + ", which other users could change");
      }
    }
  }

  /** The owner of {@code /proc/self}, else the user named by user.name; as {@code FileTrust}. */
  private static UserPrincipal currentUser() throws IOException {
    Path self = Paths.get("/proc/self");
    if (Files.isDirectory(self)) {
      return Files.getOwner(self);
    }
    return Paths.get("")
        .getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName(System.getProperty("user.name"));
  }

  /**
   * Created 0600 under a fresh name without following a link, then moved over the file, as {@code
   * FileTrust.writeAtomically}: the CLI never reads half a file, nor one another user made.
   */
  private static void write(Path file, String text) throws IOException {
    Path temp =
        file.resolveSibling(
            "." + file.getFileName() + "." + ProcessHandle.current().pid() + ".launcher.tmp");
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try {
      Files.deleteIfExists(temp);
      try (SeekableByteChannel out =
          Files.newByteChannel(
              temp,
              options,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
      }
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}

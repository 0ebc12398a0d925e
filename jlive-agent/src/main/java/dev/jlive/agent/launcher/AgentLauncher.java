package dev.jlive.agent.launcher;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * The agent's front door for {@code -javaagent} and dynamic attach. It is loaded by the
 * application's class loader, so it does as little as possible: it finds out whether an agent runs
 * already, opens the agent core in a {@link CoreClassLoader} of its own and hands over. It keeps no
 * reference to what it started.
 */
public final class AgentLauncher {
  static final String BRIDGE_CLASS = "dev.jlive.bridge.JLiveBridge";
  static final String CORE_ENTRY = "dev.jlive.agent.AgentRuntime";

  /**
   * The SHA-256 of the agent jar, as the attaching CLI wrote it; checked here and not passed on.
   */
  static final String DIGEST_OPTION = "agentSha256=";

  /**
   * The agent jar's file stamp (see {@link #stampOf}) as the attaching CLI saw it when it checked
   * the jar's bytes; checked here instead of a digest, and not passed on.
   */
  static final String STAMP_OPTION = "agentStamp=";

  /**
   * The agent jar the attaching CLI loaded, absolute; the core is opened from it, and it is not
   * passed on. Needed because the application's class loader keeps the launcher class of the first
   * jlive jar attached to a JVM: a later attach of another build runs that launcher, whose own code
   * source is the first jar, not the one {@code loadAgent} named.
   */
  static final String JAR_OPTION = "agentJar=";

  /**
   * For tests only: {@code -Djlive.launcher.throwFailures=true} on the target JVM makes {@code
   * agentmain} throw its failure again after recording it, as launchers before the failure file
   * did, so that a test can show what the application's stderr then gets (its negative control).
   */
  static final String THROW_FAILURES_PROPERTY = "jlive.launcher.throwFailures";

  private AgentLauncher() {}

  /**
   * {@code -javaagent}: a failure must never stop the application from starting. The user started
   * the agent by hand, so one line on stderr says it did not start, beside the failure file.
   */
  public static void premain(String options, Instrumentation instrumentation) {
    try {
      launch(options, instrumentation, "javaagent");
    } catch (Throwable t) {
      LaunchFailure.record(options, t);
      System.err.println("jlive: agent not started: " + LaunchFailure.describe(t));
    }
  }

  /**
   * Dynamic attach: a failure is recorded for the attaching tool ({@link LaunchFailure}) and not
   * thrown, since the JVM would print a thrown one on the application's stderr and pass on none of
   * its message. The tool finds no discovery file and reads the failure file instead.
   */
  public static void agentmain(String options, Instrumentation instrumentation) throws Exception {
    String mode = "attach";
    String rest = options == null ? "" : options;
    // JLive.start() attaches through a helper process and marks itself so that `info` can say so.
    if (rest.startsWith("mode=library")) {
      mode = "library";
      rest = rest.substring("mode=library".length());
      rest = rest.startsWith(",") ? rest.substring(1) : rest;
    }
    try {
      launch(rest, instrumentation, mode);
    } catch (Throwable t) {
      LaunchFailure.record(rest, t);
      if (Boolean.getBoolean(THROW_FAILURES_PROPERTY)) {
        throw t instanceof Exception e ? e : new IllegalStateException(t);
      }
    }
  }

  static void launch(String options, Instrumentation instrumentation, String mode)
      throws Exception {
    long launched = System.nanoTime();
    if (runningAgent() != null) {
      return;
    }
    String given = optionValue(options, JAR_OPTION);
    // Trust: the path comes in the same attach request as the stamp (or digest), and the check
    // below compares that stamp with the file at this path after the loader has opened it. Whoever
    // can name a jar here can also name the stamp, and could load any agent jar anyway: this adds
    // nothing they could not do before. Without the option (-javaagent, CLIs before it), the jar is
    // this class's own, as it always was.
    File agentJar =
        given != null
            ? new File(given)
            : new File(
                AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    URL location = agentJar.toURI().toURL();
    CoreClassLoader loader = new CoreClassLoader(new JarFile(agentJar), location);
    try {
      long opened = System.nanoTime();
      String coreOptions = checkDigest(options == null ? "" : options, agentJar, given != null);
      long checked = System.nanoTime();
      Class<?> core = Class.forName(CORE_ENTRY, true, loader);
      Method start =
          core.getMethod(
              "start",
              Instrumentation.class,
              String.class,
              String.class,
              String.class,
              String.class,
              long.class);
      // The core logs where the start went; these phases ran before it had a log.
      String phases =
          "open jar "
              + (opened - launched) / 1_000_000
              + ", jar check "
              + (checked - opened) / 1_000_000
              + ", core entry "
              + (System.nanoTime() - checked) / 1_000_000;
      start.invoke(
          null, instrumentation, coreOptions, mode, agentJar.getAbsolutePath(), phases, launched);
    } catch (InvocationTargetException e) {
      loader.close();
      Throwable cause = e.getCause();
      throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
    } catch (ReflectiveOperationException | IOException | RuntimeException | Error e) {
      loader.close();
      throw e;
    }
  }

  /**
   * Checks, when the attaching tool named one, that the jar the core is about to be loaded from is
   * the one it meant, and returns the options without it. The CLI puts the jar where only the
   * target's user or root can write, so this is a second line: it catches a jar changed after the
   * CLI checked it and before this JVM opened it again for the core. It runs after the core's jar
   * is opened, so a match speaks for what the loader reads.
   *
   * <p>The CLI names either the jar's SHA-256 ({@code agentSha256=<hex>}, {@code -javaagent} users
   * and older CLIs) or its file stamp ({@code agentStamp=}): hashing 9 MB in a JVM that has never
   * run SHA-256 takes about a second on a busy host, a stamp costs one {@code stat}, and any write
   * or replacement of the file after the CLI's check changes it.
   *
   * <p>{@code named}: the CLI named the jar ({@code agentJar=}, which is dropped here too), so a
   * mismatch can only mean the file changed; without it the jar is this launcher's own, which may
   * be another build's than the attaching CLI's.
   */
  static String checkDigest(String options, File agentJar, boolean named) throws IOException {
    String expectedDigest = null;
    String expectedStamp = null;
    StringBuilder rest = new StringBuilder();
    for (String part : options.split(",")) {
      String option = part.trim();
      if (option.startsWith(DIGEST_OPTION)) {
        expectedDigest = option.substring(DIGEST_OPTION.length());
      } else if (option.startsWith(STAMP_OPTION)) {
        expectedStamp = option.substring(STAMP_OPTION.length());
      } else if (option.startsWith(JAR_OPTION)) {
        continue;
      } else if (!part.isBlank()) {
        rest.append(rest.length() == 0 ? "" : ",").append(part);
      }
    }
    if (expectedStamp != null) {
      String actual = stampOf(agentJar.toPath());
      if (!actual.equals(expectedStamp)) {
        throw notMeant(agentJar, named, "file stamp " + actual, expectedStamp);
      }
    }
    if (expectedDigest != null) {
      String actual = sha256(agentJar);
      if (!actual.equalsIgnoreCase(expectedDigest)) {
        throw notMeant(agentJar, named, "SHA-256 " + actual, expectedDigest);
      }
    }
    return rest.toString();
  }

  private static LaunchFailure.Refusal notMeant(
      File agentJar, boolean named, String actual, String expected) {
    String what =
        "the agent jar "
            + agentJar
            + " is not the one jlive meant to load (its "
            + actual
            + ", expected "
            + expected
            + "): ";
    if (named) {
      return new LaunchFailure.Refusal(
          LaunchFailure.AGENT_JAR_CHANGED,
          what
              + "it changed after the attaching jlive checked it; check who can write "
              + agentJar.getParent());
    }
    return new LaunchFailure.Refusal(
        LaunchFailure.AGENT_JAR_NOT_MEANT,
        what
            + "either a jlive CLI of another build, one that does not name its jar, is attaching to"
            + " this JVM, which keeps the launcher of the jlive build first loaded into it (from this"
            + " jar): attach with that build or a newer CLI, or restart the JVM; or the jar changed"
            + " after the attach began: check who can write "
            + agentJar.getParent());
  }

  /** The value of {@code name} in the comma-separated {@code options}, or null. */
  static String optionValue(String options, String name) {
    if (options == null) {
      return null;
    }
    for (String part : options.split(",")) {
      String option = part.trim();
      if (option.startsWith(name)) {
        return option.substring(name.length());
      }
    }
    return null;
  }

  /**
   * A file's inode, size and status-change time (nanoseconds): writing to the file or putting
   * another in its place changes it, and only root can set a status-change time. The CLI computes
   * the same text ({@code AgentJar.stampOf}); the two must stay alike.
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

  private static String sha256(File file) throws IOException {
    try (InputStream in = new FileInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /**
   * The agent that runs in this JVM, or null; looked up reflectively since the bridge may be
   * absent.
   */
  static Object runningAgent() {
    try {
      Class<?> bridge = Class.forName(BRIDGE_CLASS, true, null);
      return bridge.getMethod("agent").invoke(null);
    } catch (ClassNotFoundException notYetOnTheBootClassPath) {
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the jlive bridge on the boot class path is unusable", e);
    }
  }
}

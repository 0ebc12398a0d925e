package dev.jlive;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts jlive from inside an application that has {@code jlive-agent.jar} on its class path:
 *
 * <pre>{@code
 * JLive.start();            // loopback endpoint, random port and token
 * JLive.start("port=7070");  // with agent options, as for -javaagent:jlive-agent.jar=port=7070
 * }</pre>
 *
 * <p>An agent needs an {@code Instrumentation}, which the JVM hands only to agents: jlive loads
 * itself through a short-lived helper process that attaches to this JVM (this needs the {@code
 * jdk.attach} module, present in every JDK). Starting twice is harmless.
 */
public final class JLive {
  private static final String BRIDGE_CLASS = "dev.jlive.bridge.JLiveBridge";
  private static final long ATTACH_TIMEOUT_SECONDS = 60;

  /** How far off a process's start time from {@code /proc} may be (boot time in whole seconds). */
  private static final Duration START_TIME_GRAIN = Duration.ofSeconds(2);

  private JLive() {}

  public static void start() {
    start("");
  }

  /**
   * Starts the agent with the given options, or does nothing if an agent runs already.
   *
   * @throws IllegalStateException if the agent could not be loaded, with the reason
   */
  public static synchronized void start(String options) {
    if (isRunning()) {
      return;
    }
    File jar = ownJar();
    Path staleSocket = removeStaleAttachSocket();
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(jar.getAbsolutePath());
    command.add("dev.jlive.agent.launcher.SelfAttach");
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(jar.getAbsolutePath());
    command.add(options == null || options.isEmpty() ? "mode=library" : "mode=library," + options);
    try {
      Process helper = new ProcessBuilder(command).redirectErrorStream(true).start();
      helper.getOutputStream().close();
      byte[] output = helper.getInputStream().readAllBytes();
      if (!helper.waitFor(ATTACH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        helper.destroyForcibly();
        throw new IllegalStateException(
            "jlive: the attach helper did not finish within " + ATTACH_TIMEOUT_SECONDS + " s");
      }
      if (helper.exitValue() != 0) {
        throw new IllegalStateException(
            "jlive: could not load the agent: "
                + new String(output, StandardCharsets.UTF_8).trim()
                + (staleSocket == null
                    ? ""
                    : "; "
                        + staleSocket
                        + " was left by an earlier process with this pid and jlive cannot remove"
                        + " it: remove it as its owner (or root), then start jlive again"));
      }
      if (!isRunning()) {
        // The launcher and the core record why in a file rather than throw into this JVM's
        // stderr through the attach listener.
        throw new IllegalStateException(
            "jlive: the agent loaded but did not start; the reason is in "
                + ProcessHandle.current().pid()
                + ".error in jlive's runtime directory ($JLIVE_RUNTIME_DIR, or"
                + " <java.io.tmpdir>/jlive-<user>)");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "jlive: could not run " + java + " to load the agent: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("jlive: interrupted while loading the agent", e);
    }
  }

  /**
   * Removes this JVM's attach socket if an earlier process with the same pid left it (a JVM killed
   * with SIGKILL does): the helper's attach would find it, take this JVM's listener for up, and
   * fail with "Connection refused". This JVM's own listener makes the file after the JVM started,
   * so only an older socket is removed. The CLI's {@code StaleSocket} makes the same check; this
   * class may load none of jlive's other code, so it keeps its own.
   *
   * @return the stale socket if one is there and could not be removed, else null
   */
  private static Path removeStaleAttachSocket() {
    ProcessHandle self = ProcessHandle.current();
    Optional<Instant> started = self.info().startInstant();
    Path socket = Paths.get("/tmp", ".java_pid" + self.pid());
    try {
      BasicFileAttributes file =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (started.isEmpty()
          || !file.isOther()
          || !file.lastModifiedTime().toInstant().isBefore(started.get().minus(START_TIME_GRAIN))) {
        return null;
      }
    } catch (IOException none) {
      return null;
    }
    try {
      Files.delete(socket);
      return null;
    } catch (IOException notOurs) {
      return socket;
    }
  }

  /** Stops the agent: closes its endpoint and removes every change it made. */
  public static synchronized void stop() {
    Object agent = runningAgent();
    if (agent == null) {
      return;
    }
    try {
      agent.getClass().getMethod("stop").invoke(agent);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("jlive: could not stop the agent", e);
    }
  }

  public static boolean isRunning() {
    return runningAgent() != null;
  }

  private static Object runningAgent() {
    try {
      return Class.forName(BRIDGE_CLASS, true, null).getMethod("agent").invoke(null);
    } catch (ClassNotFoundException e) {
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("jlive: the bridge on the boot class path is unusable", e);
    }
  }

  private static File ownJar() {
    try {
      File file = new File(JLive.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!file.isFile()) {
        throw new IllegalStateException(
            "jlive: JLive must be loaded from jlive-agent.jar, not from " + file);
      }
      return file;
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      throw new IllegalStateException("jlive: cannot locate jlive-agent.jar on the class path", e);
    }
  }
}

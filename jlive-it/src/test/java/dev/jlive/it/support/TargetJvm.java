package dev.jlive.it.support;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A forked target JVM. Its stdout and stderr are collected line by line; it counts as ready once it
 * printed its readiness line ({@code ready} by default); it is killed on close at the latest. Test
 * apps read commands from stdin and answer on stdout.
 */
public final class TargetJvm implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Writer stdin;
  private final String readyLine;

  private TargetJvm(Process process, String readyLine) {
    this.process = process;
    this.readyLine = readyLine;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    collect(process.getInputStream(), stdout, "stdout");
    collect(process.getErrorStream(), stderr, "stderr");
  }

  public static Builder on(Jdk jdk) {
    return new Builder(jdk.require().java());
  }

  /** A JVM from a java executable of its own, e.g. a jlink'd runtime image. */
  public static Builder onJava(Path java) {
    return new Builder(java);
  }

  /**
   * Starts every JVM first, then waits until each is ready: a JVM's start is much waiting (for
   * class files, for the agent's endpoint), so JVMs that a test needs together start in less time
   * than one after the other. If one does not get ready, all are stopped.
   */
  public static List<TargetJvm> startAll(List<Builder> builders)
      throws IOException, InterruptedException {
    List<TargetJvm> started = new ArrayList<>();
    try {
      for (Builder builder : builders) {
        started.add(builder.launch());
      }
      for (TargetJvm jvm : started) {
        jvm.awaitLine(jvm.readyLine, false);
      }
      return started;
    } catch (IOException | RuntimeException e) {
      for (TargetJvm jvm : started) {
        jvm.close();
      }
      throw e;
    }
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public List<String> stdout() {
    return List.copyOf(stdout);
  }

  public List<String> stderr() {
    return List.copyOf(stderr);
  }

  /** Sends a command line to the app and waits for an answer line starting with {@code prefix}. */
  public String ask(String command, String prefix) throws IOException {
    int seen = stdout.size();
    stdin.write(command + "\n");
    stdin.flush();
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              // A copy: a view of the live list fails once the reader thread adds a line.
              List<String> lines = List.copyOf(stdout);
              return lines.subList(seen, lines.size()).stream()
                  .filter(line -> line.startsWith(prefix))
                  .findFirst()
                  .orElse(null);
            },
            answer -> answer != null);
  }

  public void awaitLine(String prefix, boolean onStderr) {
    List<String> lines = onStderr ? stderr : stdout;
    await()
        .atMost(READY_TIMEOUT)
        .until(
            () -> lines.stream().anyMatch(line -> line.startsWith(prefix)) || !process.isAlive());
    if (lines.stream().noneMatch(line -> line.startsWith(prefix))) {
      throw new IllegalStateException(
          "target exited before printing '" + prefix + "'; stdout=" + stdout + " stderr=" + stderr);
    }
  }

  /** Asks the app to exit by closing its stdin, and waits for it. */
  public int exit() throws IOException, InterruptedException {
    stdin.close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "target " + pid() + " did not exit within 30 s after stdin was closed");
    }
    return process.exitValue();
  }

  /**
   * Stops the JVM as a service manager does (SIGTERM): its shutdown hooks run, so its agent leaves
   * the fleet at once rather than when its lease runs out. Killed after 30 s at the latest.
   */
  public void terminate() throws InterruptedException {
    process.destroy();
    process.waitFor(30, TimeUnit.SECONDS);
    close();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    if (!process.isAlive()) {
      // A killed JVM leaves its attach socket, which a later JVM with that pid would find.
      try {
        Files.deleteIfExists(Paths.get("/tmp", ".java_pid" + process.pid()));
      } catch (IOException e) {
        // Another user's: nothing this test made.
      }
    }
  }

  private static void collect(InputStream in, List<String> lines, String name) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader reader1 =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader1.readLine(); line != null; line = reader1.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("<" + name + " closed: " + e + ">");
              }
            },
            "target-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Describes the JVM to fork. */
  public static final class Builder {
    private final Path java;
    private final List<String> jvmArgs = new ArrayList<>();
    private String classPath;
    private final List<String> mainAndArgs = new ArrayList<>();
    private String readyLine = "ready";
    private final List<String> launcherPrefix = new ArrayList<>();
    private final Map<String, String> environment = new HashMap<>();

    private Builder(Path java) {
      this.java = java;
      jvmArgs.add("-Djlive.runtimeDir=" + Artifacts.runtimeDir());
      jvmArgs.add("-Xmx256m");
    }

    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    public Builder javaagent(String options) {
      return jvmArg(
          "-javaagent:"
              + Artifacts.agentJar()
              + (options == null || options.isEmpty() ? "" : "=" + options));
    }

    /** Sets an environment variable of the JVM (on top of this one's environment). */
    public Builder env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    public Builder classPath(String classPath) {
      this.classPath = classPath;
      return this;
    }

    public Builder main(Class<?> main, String... args) {
      mainAndArgs.add(main.getName());
      mainAndArgs.addAll(List.of(args));
      if (classPath == null) {
        classPath = Artifacts.classPathWith();
      }
      return this;
    }

    public Builder jar(Path jar, String... args) {
      mainAndArgs.add("-jar");
      mainAndArgs.add(jar.toString());
      mainAndArgs.addAll(List.of(args));
      return this;
    }

    public Builder readyLine(String prefix) {
      this.readyLine = prefix;
      return this;
    }

    /** Runs the JVM through a launcher, e.g. {@code setpriv} to run it as another user. */
    public Builder via(String... prefix) {
      launcherPrefix.addAll(List.of(prefix));
      return this;
    }

    /** Starts the JVM and waits for its readiness line. */
    public TargetJvm start() throws IOException {
      TargetJvm jvm = launch();
      jvm.awaitLine(readyLine, false);
      return jvm;
    }

    /** Starts the JVM, without waiting for it. */
    private TargetJvm launch() throws IOException {
      List<String> command = new ArrayList<>(launcherPrefix);
      command.add(java.toString());
      command.addAll(jvmArgs);
      if (classPath != null) {
        command.add("-cp");
        command.add(classPath);
      }
      command.addAll(mainAndArgs);
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      return new TargetJvm(builder.start(), readyLine);
    }
  }
}

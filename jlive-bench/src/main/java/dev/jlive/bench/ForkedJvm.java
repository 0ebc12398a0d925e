package dev.jlive.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM started by a benchmark driver: standard output is read line by line (for readiness and
 * result lines), standard error goes to a file, and closing it ends the process (SIGTERM, so the
 * agent's shutdown hook removes its discovery file; then forcibly).
 */
public final class ForkedJvm implements AutoCloseable {
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private final Path stderr;

  private ForkedJvm(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    Thread reader = new Thread(this::pump, "jlive-bench-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code java <arguments>} with the JVM that runs this driver.
   *
   * @param stderr where the process's standard error goes (appended)
   */
  public static ForkedJvm start(String name, List<String> arguments, Path stderr)
      throws IOException {
    return start(name, arguments, stderr, Map.of());
  }

  /** As {@link #start(String, List, Path)}, with {@code environment} added to this process's. */
  public static ForkedJvm start(
      String name, List<String> arguments, Path stderr, Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    builder.environment().putAll(environment);
    return new ForkedJvm(name, builder.start(), stderr);
  }

  public static String javaExecutable() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Waits for a line of standard output that matches {@code pattern} and returns its match.
   *
   * @throws IOException when the process ends or the time runs out first; the message has what it
   *     printed
   */
  public Matcher awaitLine(Pattern pattern, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line =
          left > 0
              ? lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)
              : null;
      if (line != null) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher;
        }
        continue;
      }
      if (left <= 0 || (!process.isAlive() && lines.isEmpty())) {
        throw new IOException(
            name
                + " (pid "
                + process.pid()
                + ") printed no line matching /"
                + pattern
                + "/ "
                + (process.isAlive()
                    ? "within " + timeout.toSeconds() + " s"
                    : "before it exited with " + process.exitValue())
                + "; its output: "
                + output()
                + "; its stderr is in "
                + stderr);
      }
    }
  }

  /** Waits for the process to end by itself. */
  public int awaitExit(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException(
          name + " (pid " + process.pid() + ") did not end within " + timeout.toSeconds() + " s");
    }
    return process.exitValue();
  }

  /** Everything it printed on standard output so far. */
  public synchronized List<String> output() {
    return List.copyOf(seen);
  }

  private void pump() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        synchronized (this) {
          seen.add(line);
        }
        lines.add(line);
      }
    } catch (IOException closed) {
      // The process ended or was killed; what it printed until then is kept.
      lines.add("");
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      // Never leave the JVM behind, even when told to hurry.
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

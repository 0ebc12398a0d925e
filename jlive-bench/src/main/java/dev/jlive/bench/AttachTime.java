package dev.jlive.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attach time to a busy JVM (issue 16): forks {@link BusyTarget} (two threads keeping both cores
 * busy), then, round after round, runs {@code jlive attach PID --timing} and measures the wall time
 * from starting the command to its exit, which comes after the agent's endpoint answered (the CLI
 * reads the discovery file the agent writes once its endpoint listens). Prints the CLI's phases and
 * the agent's (from its log), then detaches and waits until the agent is gone.
 */
public final class AttachTime {
  static final String USAGE =
      """
      usage: java -cp jlive-bench.jar dev.jlive.bench.AttachTime [options]
        --rounds N        attach/detach cycles (default 10)
        --busy-threads N  threads of the target calling quote() without pause (default 2)
        --cli JAR         jlive.jar (default: ../../jlive-cli/target/jlive.jar from this jar)
        --jlive FILE      run this jlive command (e.g. bin/jlive, which maps the CLI's CDS archive) instead of java -jar JAR
        --fresh-target B  true: a fresh busy target for every round, so each attach is the first into its JVM
        --target-java J   the target's java executable (default: the one running this driver)""";

  private static final Pattern READY = Pattern.compile("busy-target ready pid=(\\d+)");
  private static final Pattern AGENT_PHASES = Pattern.compile("start phases \\(ms\\): (.*)$");

  private AttachTime() {}

  public static void main(String[] args) throws Exception {
    DriverOptions options =
        DriverOptions.parse(
            args,
            Set.of("rounds", "busy-threads", "cli", "jlive", "fresh-target", "target-java"),
            USAGE);
    List<String> jlive =
        options.string("jlive", null) == null
            ? List.of(
                ForkedJvm.javaExecutable(),
                "-jar",
                options.jar("cli", "jlive-cli", "jlive.jar").toString())
            : List.of(options.string("jlive", null));
    boolean freshTarget = Boolean.parseBoolean(options.string("fresh-target", "false"));
    Path work = Files.createTempDirectory("jlive-attach-time-");
    Path runtimeDir =
        Files.createDirectory(
            work.resolve("runtime"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Map<String, String> environment = Map.of("JLIVE_RUNTIME_DIR", runtimeDir.toString());
    String targetJava = options.string("target-java", ForkedJvm.javaExecutable());
    String busyThreads = options.string("busy-threads", "2");
    Process target = startTarget(targetJava, busyThreads, environment);
    try {
      long pid = awaitReady(target);
      System.out.println("target pid " + pid + " (" + targetJava + "), runtime dir " + runtimeDir);
      List<Double> walls = new ArrayList<>();
      LoadAverage load = new LoadAverage();
      for (int round = 1; round <= options.integer("rounds", 10); round++) {
        if (freshTarget && round > 1) {
          target.destroyForcibly().waitFor();
          target = startTarget(targetJava, busyThreads, environment);
          pid = awaitReady(target);
          System.out.println("fresh target pid " + pid);
        }
        load.sample();
        long start = System.nanoTime();
        Run attach = run(environment, jlive, "attach", Long.toString(pid), "--timing");
        double millis = (System.nanoTime() - start) / 1e6;
        if (attach.exit() != 0) {
          throw new IllegalStateException("attach failed: " + attach.output());
        }
        walls.add(millis);
        System.out.printf(
            Locale.ROOT,
            "round %d: command to endpoint ready %.0f ms%n  CLI   %s%n  agent %s%n",
            round,
            millis,
            phasesOf(attach.output()),
            agentPhases(runtimeDir.resolve(pid + ".log"), freshTarget ? 1 : round));
        Run detach = run(environment, jlive, "detach", Long.toString(pid));
        if (detach.exit() != 0) {
          throw new IllegalStateException("detach failed: " + detach.output());
        }
        awaitGone(runtimeDir.resolve(pid + ".json"));
      }
      Stats stats = Stats.of(walls);
      System.out.printf(
          Locale.ROOT,
          "command to endpoint ready over %d rounds: median %.0f ms, min %.0f, max %.0f, first %.0f;"
              + " 1-minute load average %s%n",
          stats.count(),
          stats.median(),
          stats.min(),
          stats.max(),
          stats.first(),
          load.range());
    } finally {
      target.destroyForcibly();
    }
  }

  private record Run(int exit, String output) {}

  /** The target shares the CLI's runtime directory, so that its agent logs where this reads. */
  private static Process startTarget(
      String java, String busyThreads, Map<String, String> environment) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-cp",
                DriverOptions.benchJar().toString(),
                BusyTarget.class.getName(),
                busyThreads)
            .redirectErrorStream(true);
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static Run run(Map<String, String> environment, List<String> jlive, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(jlive);
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    return new Run(process.exitValue(), output);
  }

  private static long awaitReady(Process target) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      Matcher ready = READY.matcher(line);
      if (ready.find()) {
        return Long.parseLong(ready.group(1));
      }
    }
    throw new IllegalStateException("the busy target ended before it was ready");
  }

  private static String phasesOf(String output) {
    return output
        .lines()
        .filter(line -> line.startsWith("attach phases"))
        .findFirst()
        .orElse("(no phases printed)");
  }

  /**
   * The start-phases line of the agent's log for the start that just happened (the {@code round}th
   * in this log); the agent writes it after it is ready, so it may come a moment after the command
   * ended.
   */
  private static String agentPhases(Path log, int round) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> found = new ArrayList<>();
      for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
        Matcher phases = AGENT_PHASES.matcher(line);
        if (phases.find()) {
          found.add(phases.group(1));
        }
      }
      if (found.size() >= round) {
        return found.get(found.size() - 1);
      }
      Thread.sleep(50);
    }
    return "(none in " + log + ")";
  }

  private static void awaitGone(Path discoveryFile) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (Files.exists(discoveryFile)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(discoveryFile + " still there a minute after detach");
      }
      Thread.sleep(50);
    }
  }
}

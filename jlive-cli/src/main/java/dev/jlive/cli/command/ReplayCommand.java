package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.attach.AgentJar;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.patch.PatchRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "replay",
    description = {
      "Run the calls of a record file (`jlive record`) again and show each outcome beside the recorded one: equal,",
      "different (arguments and both outcomes), or not replayable (why). Exit code 11 when any differ.",
      "  jlive replay FILE --cp CLASSPATH     in a fresh JVM, against a local build (put a fixed class first)",
      "  jlive replay PID FILE --patch X.java inside the JVM, against a candidate patch compiled but not installed"
    })
public final class ReplayCommand extends AgentCommand {
  /** The fresh JVM prints its report on a line of its own after this, whatever the build prints. */
  static final String REPORT_MARK = "JLIVE-REPLAY ";

  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] FILE",
      description = "The record file; with --patch, the JVM's process id (unless --host) first.")
  List<String> positionals;

  @Option(
      names = "--cp",
      paramLabel = "CLASSPATH",
      description = "Replay in a fresh JVM against these classes (directories and jars).")
  String classPath;

  @Option(
      names = "--java",
      paramLabel = "JAVA",
      description =
          "With --cp: the JDK of the fresh JVM (its home or its java), e.g. the recording JVM's Java; default: jlive's.")
  Path javaHome;

  @Option(
      names = "--patch",
      paramLabel = "X.java",
      description = "Replay inside the JVM against this candidate patch (whole-class sources).")
  List<Path> patch;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if ((classPath == null) == (patch == null)) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "give --cp CLASSPATH (a local build) or --patch X.java (a candidate in the JVM), one of them",
          "see `jlive help replay`");
    }
    if (javaHome != null && classPath == null) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--java chooses the fresh JVM of a replay with --cp; with --patch the replay runs inside"
              + " the JVM of PID",
          "drop --java, or replay with --cp CLASSPATH");
    }
    Map<String, Object> report = classPath != null ? fresh() : inTarget();
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(report);
    } else {
      print(report, printer);
    }
    return number(report.get("different")) > 0 ? ExitCode.DIFFERS : ExitCode.OK;
  }

  /** The java executable of the replay JVM: from --java (a JDK home or its java), or jlive's. */
  private String java() {
    if (javaHome == null) {
      return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
    Path java = Files.isDirectory(javaHome) ? javaHome.resolve("bin").resolve("java") : javaHome;
    if (!Files.isExecutable(java)) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--java " + javaHome + " is neither a JDK home with bin/java nor a java executable",
          "give a JDK's home, e.g. --java /usr/lib/jvm/temurin-25-jdk-amd64");
    }
    return java.toString();
  }

  private Map<String, Object> fresh() throws IOException, InterruptedException {
    if (positionals.size() != 1 || target.isRemote()) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "with --cp, give only the record file: the replay runs in a fresh JVM, not in a PID",
          "jlive replay FILE --cp CLASSPATH");
    }
    Path file = readable(positionals.get(0));
    String java = java();
    Path agent = AgentJar.agent(false).path();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                agent.toString(),
                "dev.jlive.agent.launcher.ReplayLauncher",
                file.toAbsolutePath().toString(),
                classPath)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String reportLine = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith(REPORT_MARK)) {
          reportLine = line.substring(REPORT_MARK.length());
        }
      }
    }
    int exit = process.waitFor();
    if (reportLine == null) {
      throw new CliException(
          ExitCode.ERROR,
          "REPLAY_FAILED",
          "the replay JVM ended (exit " + exit + ") without a report",
          "its errors are above; check that " + java + " runs");
    }
    Map<String, Object> report = Json.parseObject(reportLine);
    if (report.containsKey("error")) {
      throw new CliException(
          ExitCode.USAGE,
          "REPLAY_REFUSED",
          String.valueOf(report.get("error")),
          String.valueOf(report.get("hint")));
    }
    return report;
  }

  private Map<String, Object> inTarget() throws IOException {
    Connected connected = connect(positionals, 1, "PID FILE --patch X.java");
    Path file = readable(connected.rest().get(0));
    List<PatchRequest.Source> sources = new ArrayList<>();
    for (Path source : patch) {
      if (!Files.isRegularFile(source)) {
        throw new CliException(ExitCode.USAGE, "USAGE", source + " is not a file", "");
      }
      String code = Files.readString(source, StandardCharsets.UTF_8);
      sources.add(
          LocalCheck.checked(() -> new PatchRequest.Source(source.getFileName().toString(), code)));
    }
    PatchRequest request = LocalCheck.checked(() -> PatchRequest.ofSources(sources).build());
    return connected
        .client()
        .post(
            Api.REPLAYS,
            JsonObject.create()
                .put("file", Base64.getEncoder().encodeToString(Files.readAllBytes(file)))
                .put("patch", request)
                .toMap());
  }

  private static Path readable(String name) {
    Path file = Path.of(name);
    if (!Files.isRegularFile(file)) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          name + " is not a file",
          "give a record file written by `jlive record PID 'Class#method' -o FILE`");
    }
    return file;
  }

  private static void print(Map<String, Object> report, Printer printer) {
    printer.line(
        "replay of "
            + report.get("method")
            + " against "
            + report.get("against")
            + " (recorded on "
            + report.get("recordedOn")
            + ", replayed on "
            + report.get("replayedOn")
            + ")");
    for (Object item : list(report.get("results"))) {
      Map<?, ?> result = (Map<?, ?>) item;
      String verdict = String.valueOf(result.get("verdict"));
      if (verdict.equals("different")) {
        printer.line(
            "call "
                + result.get("call")
                + " DIFFERENT with "
                + result.get("arguments")
                + ": recorded "
                + result.get("recorded")
                + ", replayed "
                + result.get("replayed")
                + " "
                + result.get("differences"));
      } else if (verdict.equals("not-replayable")) {
        printer.line(
            "call "
                + result.get("call")
                + " NOT REPLAYABLE with "
                + result.get("arguments")
                + ": "
                + result.get("why"));
      }
    }
    printer.line(
        report.get("calls")
            + " calls: "
            + report.get("equal")
            + " equal, "
            + report.get("different")
            + " different, "
            + report.get("notReplayable")
            + " not replayable");
  }

  private static long number(Object value) {
    return value instanceof Number number ? number.longValue() : 0;
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> items ? items : List.of();
  }
}

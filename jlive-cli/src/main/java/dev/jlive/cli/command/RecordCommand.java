package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.record.RecordRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "record",
    description = {
      "Record calls of one method (arguments, the receiver's state, the outcome) into a file, under a probe's budgets.",
      "Replay the file with `jlive replay FILE --cp CLASSPATH` against a local build, or `jlive replay PID FILE",
      "--patch X.java` against a candidate patch inside the JVM.",
      "Values are copied when each call ends, so a method that fails the side-effect check (`jlive check`) is",
      "refused: it may have changed its arguments or receiver by then, and no replay would run it."
    })
public final class RecordCommand extends AgentCommand {
  private static final long POLL_MILLIS = 200;

  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] METHOD",
      description =
          "The JVM's process id (unless --host), then the method, e.g. 'com.acme.Pricing#price'.")
  List<String> positionals;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "The record file to write.")
  Path output;

  @Option(names = "--when", description = "Record only calls where this holds, e.g. 'qty > 5'.")
  String when;

  @Option(
      names = "--count",
      description = "End after this many calls (default " + RecordRequest.DEFAULT_COUNT + ").")
  int count = RecordRequest.DEFAULT_COUNT;

  @Option(names = "--duration", description = "End after this long, whatever it has (default 1m).")
  String duration;

  @Option(names = "--sample", description = "Record one call in N (default every call).")
  int sample = 1;

  @Option(
      names = "--depth",
      description =
          "Levels of references kept below each value (default "
              + RecordRequest.DEFAULT_DEPTH
              + "); a deeper call is cut and marked.")
  int depth = RecordRequest.DEFAULT_DEPTH;

  @Option(
      names = "--max-size",
      paramLabel = "BYTES",
      description =
          "Bytes one call may take (default "
              + RecordRequest.DEFAULT_MAX_BYTES
              + "); a larger call is cut and marked.")
  int maxBytes = RecordRequest.DEFAULT_MAX_BYTES;

  @Option(
      names = "--cpu",
      paramLabel = "PERCENT",
      description = "Share of one CPU the copies may take before the recording stops (default 5).")
  double cpuPercent = ProbeSpec.DEFAULT_CPU_PERCENT;

  @Override
  public Integer call() throws IOException, InterruptedException {
    List<String> rest = afterPid(positionals, 1, "PID METHOD -o FILE");
    RecordRequest request =
        LocalCheck.checked(
            () ->
                new RecordRequest(
                    rest.get(0),
                    when,
                    count,
                    duration == null ? null : Durations.parse("--duration", duration),
                    sample,
                    depth,
                    maxBytes,
                    cpuPercent));
    Connected connected = connect(positionals, 1, "PID METHOD -o FILE");
    Printer printer = printer();
    Map<String, Object> started = connected.client().post(Api.RECORDINGS, request.toJson());
    String id = String.valueOf(started.get("id"));
    if (!printer.isJson()) {
      printer.line(
          "recording "
              + id
              + " (probe "
              + started.get("probe")
              + ") of "
              + started.get("method")
              + ": up to "
              + request.count()
              + " calls for "
              + Durations.format(request.duration()));
    }
    // The agent ends the recording at its duration; the margin covers a slow agent.
    long deadline = System.nanoTime() + request.duration().plus(Duration.ofSeconds(10)).toNanos();
    Map<String, String> query = Map.of("id", id);
    while ("recording".equals(connected.client().get(Api.RECORDINGS, query).get("state"))) {
      if (System.nanoTime() > deadline) {
        connected.client().delete(Api.RECORDINGS, query);
        break;
      }
      Thread.sleep(POLL_MILLIS);
    }
    Map<String, Object> answer = connected.client().get(Api.RECORDING_FILE, query);
    byte[] file = Base64.getDecoder().decode(String.valueOf(answer.get("file")));
    try {
      Files.write(output, file);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR, "IO", "could not write " + output + ": " + e.getMessage(), "");
    }
    answer.remove("file");
    answer.put("output", output.toString());
    answer.put("fileBytes", file.length);
    if (printer.isJson()) {
      printer.json(answer);
      return ExitCode.OK;
    }
    printer.line(
        "wrote "
            + answer.get("calls")
            + " calls ("
            + answer.get("cut")
            + " cut, not replayable) to "
            + output
            + ", "
            + file.length
            + " bytes; the recording ended: "
            + answer.get("endedWhy"));
    return ExitCode.OK;
  }
}

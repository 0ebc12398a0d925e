package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "info", description = "Show the JVM (name, version, uptime) and the agent (version, endpoint, active changes).")
public final class InfoCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Connected connected = connect(positionals, 0, "PID");
    Map<String, Object> info = connected.client().get(Api.INFO, Map.of());
    Map<String, Object> jvm = (Map<String, Object>) info.get("jvm");
    Map<String, Object> agent = (Map<String, Object>) info.get("agent");
    info.put("endpoint", connected.client().endpoint().address());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(info);
      return 0;
    }
    printer.keyValues(List.of(
        List.of("pid", String.valueOf(jvm.get("pid"))),
        List.of("main", String.valueOf(jvm.get("mainClass"))),
        List.of("jvm", jvm.get("vmName") + " (" + jvm.get("vmVendor") + ")"),
        List.of("java", jvm.get("javaVersion") + " at " + jvm.get("javaHome")),
        List.of("uptime", formatDuration(((Number) jvm.get("uptimeMillis")).longValue())),
        List.of("heap", mebibytes(jvm.get("heapUsedBytes")) + " used of " + mebibytes(jvm.get("heapMaxBytes"))),
        List.of("agent", "jlive " + agent.get("version") + " (" + agent.get("mode") + ", since " + agent.get("startedAt") + ")"),
        List.of("endpoint", connected.client().endpoint().address()),
        List.of("changes", agent.get("activeChanges") + " active")));
    return 0;
  }

  private static String mebibytes(Object bytes) {
    long value = ((Number) bytes).longValue();
    return value < 0 ? "?" : (value / (1024 * 1024)) + " MiB";
  }

  static String formatDuration(long millis) {
    Duration duration = Duration.ofMillis(millis);
    if (duration.toDays() > 0) {
      return duration.toDays() + "d " + duration.toHoursPart() + "h " + duration.toMinutesPart() + "m";
    }
    if (duration.toHours() > 0) {
      return duration.toHours() + "h " + duration.toMinutesPart() + "m " + duration.toSecondsPart() + "s";
    }
    return duration.toMinutes() + "m " + duration.toSecondsPart() + "s";
  }
}

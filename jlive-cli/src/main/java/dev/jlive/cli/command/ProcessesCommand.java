package dev.jlive.cli.command;

import dev.jlive.cli.client.ServiceOptions;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.FleetApi;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "processes", description = "The live processes of a service: where they run, their labels, and the state of each change in them.")
public final class ProcessesCommand extends ControllerClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service's name (see `jlive services`).")
  String service;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    String name = ServiceOptions.validName("service", service);
    Map<String, Object> answer = controller().get(FleetApi.processes(name), Map.of());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    Instant now = Instant.now();
    for (Map<String, Object> process : (List<Map<String, Object>>) answer.getOrDefault("processes", List.of())) {
      rows.add(List.of(Rollout.text(process.get("id")), Rollout.text(process.get("host")), Rollout.text(process.get("pid")),
          Rollout.text(process.get("javaVersion")), Rollout.text(process.get("agentVersion")), Rollout.labels(process.get("labels")),
          lastSeen(process.get("lastSeen"), now), changeStates(process.get("changes"))));
    }
    if (rows.isEmpty()) {
      printer.line("no live processes in service " + name);
    } else {
      printer.table(List.of("ID", "HOST", "PID", "JAVA", "AGENT", "LABELS", "LAST SEEN", "CHANGES"), rows);
    }
    return 0;
  }

  /** When the process last heartbeated, as "3s ago": from epoch milliseconds or an ISO-8601 instant. */
  static String lastSeen(Object value, Instant now) {
    Instant seen;
    if (value instanceof Number millis) {
      seen = Instant.ofEpochMilli(millis.longValue());
    } else if (value != null) {
      try {
        seen = Instant.parse(String.valueOf(value));
      } catch (DateTimeParseException e) {
        return String.valueOf(value);
      }
    } else {
      return "";
    }
    Duration ago = Duration.between(seen, now);
    if (ago.isNegative()) {
      return "now";
    }
    long seconds = ago.toSeconds();
    return seconds < 120 ? seconds + "s ago" : seconds < 7200 ? ago.toMinutes() + "m ago" : ago.toHours() + "h ago";
  }

  /**
   * The state of each change in a process as {@code c1=applied c2=failed}: from a map of change id
   * to its state (or to {"state", ...}), or from a list of {"change"|"id", "state"}.
   */
  static String changeStates(Object changes) {
    List<String> states = new ArrayList<>();
    if (changes instanceof Map<?, ?> byId) {
      byId.forEach((id, state) -> states.add(id + "=" + (state instanceof Map<?, ?> report ? report.get("state") : state)));
    } else if (changes instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> report) {
          states.add((report.get("change") != null ? report.get("change") : report.get("id")) + "=" + report.get("state"));
        }
      }
    }
    return String.join(" ", states);
  }
}

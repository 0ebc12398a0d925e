package dev.jlive.cli.command;

import dev.jlive.cli.client.ServiceOptions;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessInfo;
import dev.jlive.protocol.fleet.ProcessList;
import dev.jlive.protocol.fleet.ProcessRow;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "processes",
    description =
        "The live processes of a service: where they run, their labels, and the state of each change in them.")
public final class ProcessesCommand extends ControllerClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "SERVICE",
      description = "The service's name (see `jlive services`).")
  String service;

  @Override
  public Integer call() {
    String name = ServiceOptions.validName("service", service);
    ProcessList answer = controller().processes(name);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    Instant now = Instant.now();
    for (ProcessRow row : answer.processes()) {
      ProcessInfo process = row.process();
      rows.add(
          List.of(
              process.id(),
              Rollout.text(process.host()),
              process.pid() > 0 ? Long.toString(process.pid()) : "",
              Rollout.text(process.javaVersion()),
              agent(process),
              Rollout.labels(process.labels()),
              lastSeen(row.lastSeen(), now),
              changeStates(row.changes())));
    }
    if (rows.isEmpty()) {
      printer.line("no live processes in service " + name);
    } else {
      printer.table(
          List.of("ID", "HOST", "PID", "JAVA", "AGENT", "LABELS", "LAST SEEN", "CHANGES"), rows);
    }
    return 0;
  }

  /**
   * The agent's version, and its protocol when older than this CLI's: such an agent lacks what came
   * since; "unverified" when it runs changes without checking the controller's signature.
   */
  static String agent(ProcessInfo process) {
    String version = Rollout.text(process.agentVersion());
    String agent =
        process.protocolVersion() < FleetApi.PROTOCOL_VERSION
            ? version + " (protocol " + process.protocolVersion() + ")"
            : version;
    return Boolean.TRUE.equals(process.verifiesChanges()) ? agent : agent + " unverified";
  }

  /** When the process last heartbeated, as "3s ago", from an ISO-8601 instant. */
  static String lastSeen(String value, Instant now) {
    if (value == null) {
      return "";
    }
    Instant seen;
    try {
      seen = Instant.parse(value);
    } catch (DateTimeParseException e) {
      return value;
    }
    Duration ago = Duration.between(seen, now);
    if (ago.isNegative()) {
      return "now";
    }
    long seconds = ago.toSeconds();
    return seconds < 120
        ? seconds + "s ago"
        : seconds < 7200 ? ago.toMinutes() + "m ago" : ago.toHours() + "h ago";
  }

  /** The state of each change in a process as {@code c1=applied c2=failed}. */
  static String changeStates(Map<String, ChangeReport> changes) {
    List<String> states = new ArrayList<>();
    changes.forEach((id, report) -> states.add(id + "=" + JsonObject.wireName(report.state())));
    return String.join(" ", states);
  }
}

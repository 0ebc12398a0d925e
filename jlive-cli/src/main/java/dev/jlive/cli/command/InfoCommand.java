package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.inspect.RuntimeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "info",
    description =
        "Show the JVM (name, version, uptime) and the agent (version, endpoint, active changes).")
public final class InfoCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 0, "PID");
    RuntimeInfo info = connected.client().get(Api.INFO, Map.of(), RuntimeInfo::fromWire);
    RuntimeInfo.Jvm jvm = info.jvm();
    RuntimeInfo.Agent agent = info.agent();
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(
          JsonObject.create()
              .putAll(info.toJson())
              .put("endpoint", connected.client().endpoint().address())
              .toMap());
      return 0;
    }
    List<List<String>> rows =
        new ArrayList<>(
            List.of(
                List.of("pid", String.valueOf(jvm.pid())),
                List.of("main", String.valueOf(jvm.mainClass())),
                List.of("jvm", jvm.vmName() + " (" + jvm.vmVendor() + ")"),
                List.of("java", jvm.javaVersion() + " at " + jvm.javaHome()),
                List.of("uptime", formatDuration(jvm.uptimeMillis())),
                List.of(
                    "heap",
                    mebibytes(jvm.heapUsedBytes()) + " used of " + mebibytes(jvm.heapMaxBytes())),
                List.of(
                    "agent",
                    "jlive "
                        + agent.version()
                        + " ("
                        + agent.mode()
                        + ", since "
                        + agent.startedAt()
                        + ")"),
                List.of("endpoint", connected.client().endpoint().address()),
                List.of("changes", agent.activeChanges() + " active")));
    if (agent.controller() != null) {
      rows.add(List.of("controller", controller(agent.controller())));
    }
    printer.keyValues(rows);
    return 0;
  }

  /**
   * The controller link: where, which service, and whether changes from it are verified and local
   * ones refused.
   */
  static String controller(Map<String, Object> link) {
    String key =
        link.get("controllerKey") == null ? "" : " (key " + link.get("controllerKey") + ")";
    // With several controllers: the one spoken to now, then the whole list.
    Object urls = link.get("urls");
    String others =
        urls instanceof List<?> list && list.size() > 1
            ? " (of " + String.join("|", list.stream().map(String::valueOf).toList()) + ")"
            : "";
    return link.get("url")
        + others
        + " service "
        + link.get("service")
        + (Boolean.TRUE.equals(link.get("verifiesChanges"))
            ? ", runs only changes it signed" + key
            : ", runs its changes unverified")
        + ("deny".equals(link.get("localChanges")) ? ", local changes denied" : "");
  }

  private static String mebibytes(long bytes) {
    return bytes < 0 ? "?" : (bytes / (1024 * 1024)) + " MiB";
  }

  static String formatDuration(long millis) {
    Duration duration = Duration.ofMillis(millis);
    if (duration.toDays() > 0) {
      return duration.toDays()
          + "d "
          + duration.toHoursPart()
          + "h "
          + duration.toMinutesPart()
          + "m";
    }
    if (duration.toHours() > 0) {
      return duration.toHours()
          + "h "
          + duration.toMinutesPart()
          + "m "
          + duration.toSecondsPart()
          + "s";
    }
    return duration.toMinutes() + "m " + duration.toSecondsPart() + "s";
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.probe.ProbeList;
import dev.jlive.protocol.probe.ProbeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "list",
    description =
        "List probes: state (and why a probe disabled itself), hits, events emitted and dropped.")
public final class ProbeListCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 0, "PID");
    Map<String, Object> answer = connected.client().get(Api.PROBES, Map.of());
    ProbeList list = ProbeList.fromWire(answer);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    if (list.probes().isEmpty()) {
      printer.line("no probes");
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ProbeStatus probe : list.probes()) {
      rows.add(
          List.of(
              probe.id(),
              JsonObject.wireName(probe.state()),
              text(probe.specField("kind")),
              text(probe.specField("selector")),
              Long.toString(probe.hits()),
              Long.toString(probe.emitted()),
              Long.toString(probe.dropped()),
              text(probe.reason())));
    }
    printer.table(
        List.of("ID", "STATE", "KIND", "SELECTOR", "HITS", "EMITTED", "DROPPED", "REASON"), rows);
    return 0;
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}

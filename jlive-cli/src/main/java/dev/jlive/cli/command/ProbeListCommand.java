package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "list", description = "List probes: state (and why a probe disabled itself), hits, events emitted and dropped.")
public final class ProbeListCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Connected connected = connect(positionals, 0, "PID");
    Map<String, Object> answer = connected.client().get(Api.PROBES, Map.of());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> probe : (List<Map<String, Object>>) answer.get("probes")) {
      rows.add(List.of(String.valueOf(probe.get("id")), String.valueOf(probe.get("state")), String.valueOf(probe.get("kind")),
          String.valueOf(probe.get("selector")), String.valueOf(probe.get("hits")), String.valueOf(probe.get("emitted")),
          String.valueOf(probe.get("dropped")), probe.get("reason") == null ? "" : String.valueOf(probe.get("reason"))));
    }
    if (rows.isEmpty()) {
      printer.line("no probes");
      return 0;
    }
    printer.table(List.of("ID", "STATE", "KIND", "SELECTOR", "HITS", "EMITTED", "DROPPED", "REASON"), rows);
    return 0;
  }
}

package dev.jlive.cli.command;

import dev.jlive.protocol.Api;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "list", description = "List probes: state (and why a probe disabled itself), hits, events emitted and dropped.")
public final class ProbeListCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 0, "PID");
    printer().records(connected.client().get(Api.PROBES, Map.of()), "probes", List.of("ID", "STATE", "KIND", "SELECTOR", "HITS", "EMITTED", "DROPPED", "REASON"),
        List.of("id", "state", "kind", "selector", "hits", "emitted", "dropped", "reason"), "no probes");
    return 0;
  }
}

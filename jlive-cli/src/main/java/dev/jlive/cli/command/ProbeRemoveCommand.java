package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.probe.ProbeRemoved;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "rm",
    aliases = "remove",
    description = "Remove a probe (or all): its classes get back exactly their bytes from before.")
public final class ProbeRemoveCommand extends AgentCommand {
  @Parameters(
      arity = "0..2",
      paramLabel = "[PID] ID",
      description = "The JVM's process id (unless --host) and the probe's id.")
  List<String> positionals;

  @Option(names = "--all", description = "Remove every probe.")
  boolean all;

  @Override
  public Integer call() {
    Connected connected =
        connect(positionals, all ? 0 : 1, all ? "PID --all" : "PID ID (or --all)");
    Map<String, Object> answer =
        connected
            .client()
            .delete(
                Api.PROBES, all ? Map.of("all", "true") : Map.of("id", connected.rest().get(0)));
    List<ProbeRemoved> removed = ProbeRemoved.fromAnswer(answer);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    if (removed.isEmpty()) {
      printer.line("no probes to remove");
    }
    for (ProbeRemoved probe : removed) {
      printer.line("removed probe " + probe.id() + " (" + probe.hits() + " calls seen)");
    }
    return 0;
  }
}

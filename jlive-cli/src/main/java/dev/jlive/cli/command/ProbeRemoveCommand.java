package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rm", description = "Remove a probe (or all): its classes get back exactly their bytes from before.")
public final class ProbeRemoveCommand extends AgentCommand {
  @Parameters(arity = "0..2", paramLabel = "[PID] ID", description = "The JVM's process id (unless --host) and the probe's id.")
  List<String> positionals;

  @Option(names = "--all", description = "Remove every probe.")
  boolean all;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Connected connected = connect(positionals, all ? 0 : 1, all ? "PID --all" : "PID ID (or --all)");
    Map<String, Object> answer = connected.client().delete(Api.PROBES, all ? Map.of("all", "true") : Map.of("id", connected.rest().get(0)));
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<Map<String, Object>> removed = (List<Map<String, Object>>) answer.get("removed");
    if (removed.isEmpty()) {
      printer.line("no probes to remove");
    }
    for (Map<String, Object> probe : removed) {
      printer.line("removed probe " + probe.get("id") + " (" + probe.get("hits") + " calls seen)");
    }
    return 0;
  }
}

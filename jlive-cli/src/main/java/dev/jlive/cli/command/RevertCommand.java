package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revert", description = "Take back a change: a patch (its classes get back the code they had before it), or a probe.")
public final class RevertCommand extends AgentCommand {
  @Parameters(arity = "1..2", paramLabel = "[PID] ID", description = "The JVM's process id (unless --host) and the change's id (see `jlive changes`).")
  List<String> positionals;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID ID");
    String id = connected.rest().get(0);
    Map<String, Object> answer = connected.client().delete(Api.CHANGES, Map.of("id", id));
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
    } else {
      printer.line("reverted " + id + (answer.get("classes") == null ? "" : ": " + answer.get("classes") + " run their previous code"));
    }
    return 0;
  }
}

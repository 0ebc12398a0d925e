package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "diff", description = "Show which methods a patch replaced, by whom and when.")
public final class DiffCommand extends AgentCommand {
  @Parameters(arity = "1..2", paramLabel = "[PID] ID", description = "The JVM's process id (unless --host) and the patch's id.")
  List<String> positionals;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID ID");
    Map<String, Object> answer = connected.client().get(Api.PATCHES, Map.of("id", connected.rest().get(0)));
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    printer.line("patch " + answer.get("id") + " by " + answer.get("author") + " at " + answer.get("appliedAt") + " (" + answer.get("digest") + ")");
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> entry : (List<Map<String, Object>>) answer.get("classes")) {
      for (String method : (List<String>) entry.get("changedMethods")) {
        rows.add(List.of(String.valueOf(entry.get("class")), method));
      }
    }
    printer.table(List.of("CLASS", "REPLACED METHOD"), rows);
    return 0;
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "changes", description = "Every change jlive made in the JVM: what, who asked, when, and its state now.")
public final class ChangesCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Connected connected = connect(positionals, 0, "PID");
    Map<String, Object> answer = connected.client().get(Api.CHANGES, Map.of());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> change : (List<Map<String, Object>>) answer.get("changes")) {
      rows.add(List.of(String.valueOf(change.get("id")), String.valueOf(change.get("kind")), String.valueOf(change.get("state")),
          String.valueOf(change.get("author")), String.valueOf(change.get("createdAt")), String.valueOf(change.get("description")),
          change.get("reason") == null ? "" : String.valueOf(change.get("reason"))));
    }
    if (rows.isEmpty()) {
      printer.line("no changes");
      return 0;
    }
    printer.table(List.of("ID", "KIND", "STATE", "BY", "SINCE", "WHAT", "WHY"), rows);
    return 0;
  }
}

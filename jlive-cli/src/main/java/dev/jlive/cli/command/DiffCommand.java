package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.patch.PatchDetail;
import dev.jlive.protocol.patch.PatchedClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "diff", description = "Show which methods a patch replaced, by whom and when.")
public final class DiffCommand extends AgentCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] ID",
      description = "The JVM's process id (unless --host) and the patch's id.")
  List<String> positionals;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID ID");
    PatchDetail answer =
        connected
            .client()
            .get(Api.PATCHES, Map.of("id", connected.rest().get(0)), PatchDetail::fromWire);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return 0;
    }
    printer.line(
        "patch "
            + answer.id()
            + " by "
            + answer.author()
            + " at "
            + answer.appliedAt()
            + " ("
            + answer.digest()
            + ")");
    List<List<String>> rows = new ArrayList<>();
    for (PatchedClass entry : answer.classes()) {
      for (String method : entry.changedMethods()) {
        rows.add(List.of(entry.className(), method));
      }
    }
    printer.table(List.of("CLASS", "REPLACED METHOD"), rows);
    return 0;
  }
}

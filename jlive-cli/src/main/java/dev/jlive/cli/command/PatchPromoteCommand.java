package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.patch.PatchResult;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "promote",
    description = {
      "Install a shadow's candidate as an ordinary patch, through the normal safe point: it gets a patch id,",
      "shows in `jlive changes` and `jlive diff`, and `jlive revert` takes it back. The shadow ends."
    })
public final class PatchPromoteCommand extends AgentCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] ID",
      description = "The JVM's process id (unless --host) and the shadow's id.")
  List<String> positionals;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID ID");
    String id = connected.rest().get(0);
    Map<String, Object> answer = connected.client().post(Api.SHADOW_PROMOTE, Map.of("id", id));
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    PatchResult result = PatchResult.fromWire(answer);
    printer.line(
        "shadow "
            + id
            + " promoted: patch "
            + result.id()
            + " applied to "
            + result.classes().stream().map(c -> c.className()).toList());
    return 0;
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.patch.PatchResult;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "promote",
    description = {
      "Install a shadow's candidate as an ordinary patch, through the normal safe point: it gets a patch id,",
      "shows in `jlive changes` and `jlive diff`, and `jlive revert` takes it back. The shadow ends.",
      "With --service NAME ID: the shadow change becomes a patch change of the service, under its policy",
      "(proposed when it asks for approvals), and the shadow is dropped on every process."
    })
public final class PatchPromoteCommand extends ServiceCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] ID",
      description = "The JVM's process id (unless --host) and the shadow's id.")
  List<String> positionals;

  @Override
  public Integer call() {
    if (onService()) {
      String id = serviceArgs(positionals, 1, 1, "ID").get(0);
      String service = fleet.service();
      ControllerClient client = controller();
      ChangeAnswer answer =
          ChangeAnswer.fromWire(client.post(FleetApi.promoteShadow(service, id), Map.of()));
      if (!printer().isJson()) {
        printer().line("shadow " + id + " promoted and dropped:");
      }
      return Rollout.follow(client, service, answer, false, Rollout.DEFAULT_TIMEOUT, printer());
    }
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

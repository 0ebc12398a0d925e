package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.change.Ledger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "changes",
    description = {
      "Every change jlive made in the JVM: what, who asked, when, and its state now.",
      "With --service NAME: the service's changes at the controller, newest first."
    })
public final class ChangesCommand extends ServiceCommand {
  @Parameters(
      arity = "0..1",
      paramLabel = "PID",
      description = "The JVM's process id (unless --host or --service).")
  List<String> positionals;

  @Override
  public Integer call() {
    if (onService()) {
      return serviceChanges();
    }
    refuseFleetOptions(null, null, null);
    Connected connected = connect(positionals, 0, "PID");
    printer()
        .records(
            connected.client().get(Api.CHANGES, Map.of(), Ledger::fromWire).toJson(),
            "changes",
            List.of("ID", "KIND", "STATE", "BY", "SINCE", "WHAT", "WHY"),
            List.of("id", "kind", "state", "author", "createdAt", "description", "reason"),
            "no changes");
    return 0;
  }

  @SuppressWarnings("unchecked")
  private int serviceChanges() {
    serviceArgs(positionals, 0, 0, "");
    String service = fleet.service();
    Map<String, Object> answer = controller().get(FleetApi.changes(service), Map.of());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> change :
        (List<Map<String, Object>>) answer.getOrDefault("changes", List.of())) {
      rows.add(
          List.of(
              Rollout.text(change.get("id")),
              Rollout.text(change.get("kind")),
              Rollout.text(change.get("state"))
                  + (change.get("required") == null
                      ? ""
                      : " " + approvals(change) + "/" + change.get("required"))
                  + (change.get("revertedBy") == null ? "" : " by " + change.get("revertedBy")),
              Rollout.text(change.get("author")),
              Rollout.text(change.get("createdAt")),
              Rollout.describe(change)));
    }
    if (rows.isEmpty()) {
      printer.line("no changes in service " + service);
    } else {
      printer.table(List.of("ID", "KIND", "STATE", "BY", "SINCE", "WHAT"), rows);
    }
    return 0;
  }

  /** How many approvers said yes, from the change's wire form. */
  private static long approvals(Map<String, Object> change) {
    return change.get("approvals") instanceof List<?> words
        ? words.stream()
            .filter(word -> word instanceof Map<?, ?> map && "approve".equals(map.get("decision")))
            .count()
        : 0;
  }
}

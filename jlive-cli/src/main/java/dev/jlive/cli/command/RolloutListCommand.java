package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.rollout.RolloutList;
import dev.jlive.protocol.rollout.RolloutState;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "The rollouts, newest first.")
public final class RolloutListCommand extends ControllerClientCommand {
  @Option(names = "--service", paramLabel = "NAME", description = "Only this service's.")
  String service;

  @Override
  public Integer call() {
    RolloutList list = controller().rollouts(service);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(list.toJson());
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (RolloutState rollout : list.rollouts()) {
      rows.add(
          List.of(
              Rollout.text(rollout.service()),
              rollout.change(),
              RolloutStatusCommand.status(rollout),
              rollout.waves().size() + " of " + RolloutStatusCommand.waveCount(rollout),
              Rollout.text(rollout.createdAt())));
    }
    if (rows.isEmpty()) {
      printer.line("no rollouts" + (service == null ? "" : " of " + service));
    } else {
      printer.table(List.of("SERVICE", "CHANGE", "STATUS", "WAVES", "CREATED"), rows);
    }
    return 0;
  }

  static String wire(Enum<?> value) {
    return value == null ? "" : JsonObject.wireName(value);
  }
}

package dev.jlive.cli.command;

import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "services",
    description = "The services the controller knows: live processes and active changes of each.")
public final class ServicesCommand extends ControllerClientCommand {
  @Override
  public Integer call() {
    printer()
        .records(
            controller().services().toJson(),
            "services",
            List.of("NAME", "PROCESSES", "ACTIVE CHANGES"),
            List.of("name", "processes", "activeChanges"),
            "no services: no agent has registered with the controller yet");
    return 0;
  }
}

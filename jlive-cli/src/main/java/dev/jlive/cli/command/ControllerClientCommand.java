package dev.jlive.cli.command;

import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.client.ControllerOptions;
import dev.jlive.cli.output.Printer;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A command that asks the controller (--controller, or $JLIVE_CONTROLLER) about the fleet. */
abstract class ControllerClientCommand implements Callable<Integer> {
  @Mixin ControllerOptions controllerOptions;

  @Option(names = "--json", description = "Print JSON instead of a table (errors too).")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Printer printer() {
    return Printer.of(spec.commandLine());
  }

  ControllerClient controller() {
    return new ControllerClient(controllerOptions.resolve());
  }
}

package dev.jlive.cli.command;

import picocli.CommandLine.Command;

@Command(
    name = "controller",
    description = "Run a controller: it sends changes to every process of a service.",
    subcommands = {ControllerStartCommand.class, ControllerKeyCommand.class, UsersCommand.class})
public final class ControllerCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "name a controller command: start, key, users");
  }
}

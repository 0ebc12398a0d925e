package dev.jlive.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "probe",
    description =
        "Add, list and remove probes: callbacks around methods that log, count, time or snapshot calls.",
    subcommands = {ProbeAddCommand.class, ProbeListCommand.class, ProbeRemoveCommand.class})
public final class ProbeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a probe command: add, list or rm");
  }
}

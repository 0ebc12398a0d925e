package dev.jlive.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "policy",
    description = {
      "Show or set a service's sign-off policy: how many people other than the author must approve",
      "a patch, a probe or a capture probe before any process receives it, and who may approve."
    },
    subcommands = {PolicyShowCommand.class, PolicySetCommand.class})
public final class PolicyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a policy command: show or set");
  }
}

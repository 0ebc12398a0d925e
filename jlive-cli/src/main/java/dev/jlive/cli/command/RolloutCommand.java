package dev.jlive.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "rollout",
    description = {
      "Staged rollouts (`patch --service S --rollout 1,25%%,100%%`): list them, show one (waves,",
      "processes per state, gate figures, decisions), pause, resume, promote (cut the current",
      "wave's bake short) or abort (revert everywhere it reached)."
    },
    subcommands = {
      RolloutListCommand.class,
      RolloutStatusCommand.class,
      RolloutActionCommand.Pause.class,
      RolloutActionCommand.Resume.class,
      RolloutActionCommand.Promote.class,
      RolloutActionCommand.Abort.class
    })
public final class RolloutCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a rollout command: list, status, pause, resume, promote or abort");
  }
}

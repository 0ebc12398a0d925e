package dev.jlive.cli.command;

import dev.jlive.protocol.rollout.RolloutStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** pause, resume, promote and abort: one call each, answered with the rollout's status. */
abstract class RolloutActionCommand extends ControllerClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Parameters(index = "1", paramLabel = "ID", description = "The change rolled out (c3).")
  String id;

  abstract String action();

  @Override
  public Integer call() {
    RolloutStatus status = controller().rolloutAction(service, id, action());
    RolloutStatusCommand.print(status, printer());
    return 0;
  }

  @Command(name = "pause", description = "Stop the rollout where it is: no wave moves on.")
  public static final class Pause extends RolloutActionCommand {
    @Override
    String action() {
      return "pause";
    }
  }

  @Command(name = "resume", description = "Carry on a paused rollout; the current wave bakes anew.")
  public static final class Resume extends RolloutActionCommand {
    @Override
    String action() {
      return "resume";
    }
  }

  @Command(
      name = "promote",
      description = {
        "Cut the current wave's bake short (its gates are still judged; too little traffic passes).",
        "Needs the approver's role."
      })
  public static final class Promote extends RolloutActionCommand {
    @Override
    String action() {
      return "promote";
    }
  }

  @Command(name = "abort", description = "End the rollout and revert the change wherever it went.")
  public static final class Abort extends RolloutActionCommand {
    @Override
    String action() {
      return "abort";
    }
  }
}

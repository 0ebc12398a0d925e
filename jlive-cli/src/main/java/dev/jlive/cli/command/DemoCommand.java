package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.demo.DemoTour;
import dev.jlive.cli.demo.FleetTour;
import dev.jlive.cli.output.Terminal;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    description =
        "A guided tour: start the demo shop service and change it on the fly, step by step.")
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--no-pause",
      description =
          "Run straight through instead of waiting for Enter between steps (the default without a terminal).")
  boolean noPause;

  @Option(
      names = "--fleet",
      description =
          "The fleet tour: a controller and four demo JVMs under load; a fix rolled out in waves, then a bad"
              + " patch caught by the canary gate and reverted.")
  boolean fleet;

  @Option(
      names = "--fleet-bake",
      hidden = true,
      paramLabel = "DURATION",
      description =
          "How long each wave of the fleet tour bakes before its gates are judged (default "
              + FleetTour.DEFAULT_BAKE
              + "). Hidden: the tour's test sets it short; the gates still wait for their calls.")
  String fleetBake = FleetTour.DEFAULT_BAKE;

  @Option(
      names = "--fleet-rate",
      hidden = true,
      paramLabel = "REQUESTS",
      description =
          "Requests a second that each shop of the fleet tour serves (default "
              + FleetTour.DEFAULT_RATE
              + "). Hidden: the tour's test sets it higher, so that the gates' minimum calls arrive"
              + " sooner; the gates judge as many calls as ever.")
  int fleetRate = FleetTour.DEFAULT_RATE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean interactive = !noPause && Terminal.isInteractive();
    if (fleet) {
      // Checked before anything starts: a bad value must not leave a half-run tour.
      Durations.parse("--fleet-bake", fleetBake);
      if (fleetRate < 1) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "--fleet-rate " + fleetRate + " is not a rate",
            "write a number of requests a second, 1 or more (the tour's default is "
                + FleetTour.DEFAULT_RATE
                + ")");
      }
      return new FleetTour(spec.commandLine().getOut(), interactive, fleetBake, fleetRate).run();
    }
    return new DemoTour(spec.commandLine().getOut(), interactive).run();
  }
}

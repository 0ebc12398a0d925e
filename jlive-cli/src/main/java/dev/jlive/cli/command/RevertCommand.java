package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.patch.RevertResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "revert",
    description = {
      "Take back a change: a patch (its classes get back the code they had before it), or a probe.",
      "With --service NAME: take it back on every process of the service; the command waits until each reports,",
      "and exits 9 unless all reverted it."
    })
public final class RevertCommand extends ServiceCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] ID",
      description =
          "The JVM's process id (unless --host or --service) and the change's id (see `jlive changes`).")
  List<String> positionals;

  @Option(
      names = {"--timeout", "--rollout-timeout"},
      paramLabel = "DURATION",
      description = "With --service: how long to wait for every process to report (default 30s).")
  String rolloutTimeout;

  @Override
  public Integer call() {
    if (onService()) {
      String id = serviceArgs(positionals, 1, 1, "ID").get(0);
      String service = fleet.service();
      Duration timeout =
          rolloutTimeout == null
              ? Rollout.DEFAULT_TIMEOUT
              : Durations.parse("--timeout", rolloutTimeout);
      return Rollout.revert(controller(), service, id, timeout, printer());
    }
    refuseFleetOptions(null, rolloutTimeout, "--timeout");
    Connected connected = connect(positionals, 1, "PID ID");
    String id = connected.rest().get(0);
    Map<String, Object> answer = connected.client().delete(Api.CHANGES, Map.of("id", id));
    // A patch answers with its revert; a probe with the probe as removed, which has no classes to
    // name.
    RevertResult revert =
        RevertResult.isRevert(answer)
            ? connected.client().read(answer, RevertResult::fromWire)
            : null;
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(revert == null ? answer : revert.toJson());
    } else {
      printer.line(
          "reverted "
              + id
              + (revert == null ? "" : ": " + revert.classes() + " run their previous code"));
    }
    return 0;
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.client.ServiceOptions;
import dev.jlive.protocol.JsonObject;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;

/**
 * A command aimed at one agent (a PID, or --host) or, with {@code --service NAME}, at every process
 * of a service through the controller. The two are exclusive.
 */
abstract class ServiceCommand extends AgentCommand {
  @Mixin ServiceOptions fleet;

  boolean onService() {
    return fleet != null && fleet.isGiven();
  }

  /**
   * With --service: the positionals, which must number between {@code min} and {@code max} (no PID
   * among them), and no --host/--port/--token-file.
   */
  List<String> serviceArgs(List<String> positionals, int min, int max, String usage) {
    List<String> args = positionals == null ? List.of() : positionals;
    if (target.isRemote()) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--service and --host/--port/--token-file are mutually exclusive",
          "--service reaches every process of the service through the controller; --host one agent");
    }
    if (args.size() > max) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--service and a PID are mutually exclusive"
              + (usage.isEmpty() ? "" : ": with --service give " + usage + " only"),
          "drop the PID to act on every process of the service, or drop --service to act on that one JVM");
    }
    if (args.size() < min) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "expected --service NAME " + usage,
          "see `jlive help " + spec.qualifiedName(" ").replaceFirst("^jlive ", "") + "`");
    }
    return args;
  }

  /** Fails if fleet-only options were given to a command aimed at one JVM. */
  void refuseFleetOptions(Map<String, String> where, String rolloutTimeout, String timeoutOption) {
    fleet.refuseWithoutService();
    if (where != null && !where.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "USAGE", "--where only goes with --service NAME", "");
    }
    if (rolloutTimeout != null) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          timeoutOption + " (the wait for a service's processes) only goes with --service NAME",
          "a change to one JVM is done when the command returns");
    }
  }

  /** The {@code --where k=v} labels, each key checked. */
  static Map<String, Object> where(Map<String, String> where) {
    JsonObject labels = JsonObject.create();
    if (where != null) {
      where.forEach((key, value) -> labels.put(ServiceOptions.validName("label", key), value));
    }
    return labels.toMap();
  }

  ControllerClient controller() {
    return new ControllerClient(fleet.controller().resolve());
  }
}

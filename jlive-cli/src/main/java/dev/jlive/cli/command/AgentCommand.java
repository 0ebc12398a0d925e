package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.AgentClient;
import dev.jlive.cli.client.TargetOptions;
import dev.jlive.cli.client.Targets;
import dev.jlive.cli.output.Printer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command aimed at one agent: a local PID, or a remote agent given by --host/--port/--token-file.
 * Positional arguments start with the PID unless the target is remote.
 */
abstract class AgentCommand implements Callable<Integer> {
  @Mixin TargetOptions target;

  @Option(names = "--json", description = "Print JSON instead of a table (errors too).")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Printer printer() {
    return Printer.of(spec.commandLine());
  }

  /**
   * Splits positionals into the pid (absent for a remote target) and the {@code wanted} values that
   * follow it, and connects to the agent.
   */
  Connected connect(List<String> positionals, int wanted, String usage) {
    List<String> rest = afterPid(positionals, wanted, usage);
    String pid = target.isRemote() ? null : positionals.get(0);
    AgentClient client = new AgentClient(Targets.resolve(target, pid));
    return new Connected(client, rest);
  }

  /**
   * The positionals after the PID (all of them with --host), once their count is checked; connects
   * to nothing.
   */
  List<String> afterPid(List<String> positionals, int wanted, String usage) {
    List<String> args = positionals == null ? List.of() : positionals;
    int expected = target.isRemote() ? wanted : wanted + 1;
    if (args.size() != expected) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "expected " + usage + (target.isRemote() ? " (no PID with --host)" : ""),
          "see `jlive help " + spec.name() + "`");
    }
    return args.subList(target.isRemote() ? 0 : 1, args.size());
  }

  /**
   * Connects for a command that takes {@code [PID] [ID]}: one probe, or all when the id is left
   * out.
   */
  Connected connectWithOptionalId(List<String> positionals) {
    List<String> args = positionals == null ? List.of() : positionals;
    int idCount = args.size() - (target.isRemote() ? 0 : 1);
    return connect(args, Math.max(0, Math.min(1, idCount)), "PID [ID]");
  }

  /** A client of the agent plus the positionals that came after the pid. */
  record Connected(AgentClient client, List<String> rest) {
    /** The first positional after the pid, or null. */
    String optionalId() {
      return rest.isEmpty() ? null : rest.get(0);
    }
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.Targets;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.DetachResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "detach",
    description =
        "Stop the agent: close its endpoint, undo its changes, remove its discovery file.")
public final class DetachCommand extends AgentCommand {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  public Integer call() throws InterruptedException {
    Connected connected = connect(positionals, 0, "PID");
    connected.client().post(Api.DETACH, Map.of(), DetachResult::fromWire);
    long pid = connected.client().endpoint().pid();
    if (pid >= 0) {
      waitUntilGone(pid);
    }
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(new DetachResult(pid).toJson());
    } else {
      printer.line("detached jlive from " + connected.client().endpoint().describe());
    }
    return 0;
  }

  /** The agent stops after answering; its discovery file disappears when it has. */
  private static void waitUntilGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).isEmpty() || Targets.discover(pid).isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new CliException(
        ExitCode.ERROR,
        "DETACH_TIMEOUT",
        "pid "
            + pid
            + " accepted the detach but its agent has not stopped after "
            + STOP_TIMEOUT.toSeconds()
            + " s",
        "`jlive threads " + pid + " --grep jlive` shows what the agent's threads do");
  }
}

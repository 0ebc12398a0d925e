package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "attach",
    description = "Load the jlive agent into a running JVM (does nothing if it is there already).")
public final class AttachCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "PID",
      description = "The JVM's process id (see `jlive ps`).")
  String pid;

  @Option(
      names = "--agent-options",
      paramLabel = "K=V,...",
      description = "Agent options, as for -javaagent:jlive-agent.jar=K=V,...")
  String agentOptions;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(
      names = "--timing",
      description =
          "Print where the attach's time went on stderr (the agent's own phases are in its log).")
  boolean timing;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return AttachFastPath.attach(pid, agentOptions, timing, Printer.of(spec.commandLine()));
  }
}

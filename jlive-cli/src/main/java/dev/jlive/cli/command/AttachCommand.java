package dev.jlive.cli.command;

import dev.jlive.cli.attach.Attacher;
import dev.jlive.cli.client.Targets;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.JsonObject;
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
    Attacher.Result result = Attacher.attach(Targets.parsePid(pid), agentOptions);
    Printer printer = Printer.of(spec.commandLine());
    if (timing) {
      spec.commandLine().getErr().println(result.phases());
      spec.commandLine().getErr().flush();
    }
    if (printer.isJson()) {
      printer.json(
          JsonObject.create()
              .put("pid", result.pid())
              .put("alreadyAttached", result.alreadyAttached())
              .put("endpoint", result.discovery().host() + ":" + result.discovery().port())
              .put("agentVersion", result.discovery().agentVersion())
              .put("notes", result.notes())
              .toMap());
      return 0;
    }
    String where = result.discovery().host() + ":" + result.discovery().port();
    printer.line(
        result.alreadyAttached()
            ? "jlive "
                + result.discovery().agentVersion()
                + " is already loaded in pid "
                + result.pid()
                + " (endpoint "
                + where
                + ")"
            : "attached jlive "
                + result.discovery().agentVersion()
                + " to pid "
                + result.pid()
                + " (endpoint "
                + where
                + ")");
    result.notes().forEach(note -> printer.note("note: " + note));
    return 0;
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.attach.AgentJar;
import dev.jlive.cli.output.Printer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the agent jar where a JVM's start command can name it. The copies {@code attach} makes
 * live in private or temporary folders and are no place for a {@code -javaagent:} path.
 */
@Command(
    name = "agent-jar",
    description =
        "Write the agent jar to a lasting path and print the -javaagent option that loads it"
            + " at start-up.")
public final class AgentJarCommand implements Callable<Integer> {
  @Option(
      names = "--to",
      paramLabel = "PATH",
      description = "The file (or folder) to write; default: jlive-agent.jar here.")
  Path to = Path.of("jlive-agent.jar");

  @Option(names = "--force", description = "Replace a file that holds something else.")
  boolean force;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    AgentJar.Written jar = AgentJar.export(to, force);
    Printer printer = Printer.of(spec.commandLine());
    if (printer.isJson()) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("path", jar.path().toString());
      answer.put("sha256", jar.sha256());
      answer.put("javaagent", "-javaagent:" + jar.path());
      printer.json(answer);
    } else {
      printer.line("wrote " + jar.path() + " (SHA-256 " + jar.sha256() + ")");
      printer.line("start a JVM with: java -javaagent:" + jar.path() + " ...");
    }
    return 0;
  }
}

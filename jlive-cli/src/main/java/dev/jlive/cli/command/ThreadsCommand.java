package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "threads", description = "Show the JVM's threads with state, held and awaited locks, and stacks; "
    + "virtual threads too on Java 21+.")
public final class ThreadsCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Option(names = "--grep", paramLabel = "REGEX", description = "Only threads whose name or a stack frame matches REGEX.")
  String grep;

  @Option(names = "--virtual", description = "Only virtual threads (Java 21+).")
  boolean virtualOnly;

  @Option(names = "--platform", description = "Only platform threads.")
  boolean platformOnly;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    if (virtualOnly && platformOnly) {
      throw new CliException(ExitCode.USAGE, "USAGE", "--virtual and --platform exclude each other",
          "give one of them, or neither for every thread");
    }
    Connected connected = connect(positionals, 0, "PID");
    Map<String, String> query = new HashMap<>();
    query.put("grep", grep);
    query.put("kind", virtualOnly ? "virtual" : platformOnly ? "platform" : null);
    Map<String, Object> answer = connected.client().get(Api.THREADS, query);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<Map<String, Object>> threads = (List<Map<String, Object>>) answer.get("threads");
    for (Map<String, Object> thread : threads) {
      StringBuilder header = new StringBuilder("\"" + thread.get("name") + "\" #" + thread.get("id") + " " + thread.get("state"));
      if (Boolean.TRUE.equals(thread.get("virtual"))) {
        header.append(" virtual");
      } else if (Boolean.TRUE.equals(thread.get("daemon"))) {
        header.append(" daemon");
      }
      if (thread.get("waitingOn") != null) {
        header.append(" on ").append(thread.get("waitingOn"));
        if (thread.get("lockOwner") != null) {
          header.append(" owned by \"").append(thread.get("lockOwner")).append('"');
        }
      }
      printer.line(header.toString());
      for (Object frame : (List<Object>) thread.get("stack")) {
        printer.line("    " + frame);
      }
      printer.line("");
    }
    String kind = virtualOnly ? "virtual " : platformOnly ? "platform " : "";
    printer.line(threads.size() + " " + kind + (threads.size() == 1 ? "thread" : "threads") + (grep == null ? "" : " matching " + grep));
    if (answer.get("virtualThreadsNote") != null) {
      printer.line("note: " + answer.get("virtualThreadsNote"));
    }
    return 0;
  }
}

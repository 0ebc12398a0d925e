package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.inspect.ThreadKind;
import dev.jlive.protocol.inspect.ThreadList;
import dev.jlive.protocol.inspect.ThreadSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "threads",
    description =
        "Show the JVM's threads with state, held and awaited locks, and stacks; "
            + "virtual threads too on Java 21+.")
public final class ThreadsCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Option(
      names = "--grep",
      paramLabel = "REGEX",
      description = "Only threads whose name or a stack frame matches REGEX.")
  String grep;

  @Option(names = "--virtual", description = "Only virtual threads (Java 21+).")
  boolean virtualOnly;

  @Option(names = "--platform", description = "Only platform threads.")
  boolean platformOnly;

  @Override
  public Integer call() {
    if (virtualOnly && platformOnly) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--virtual and --platform exclude each other",
          "give one of them, or neither for every thread");
    }
    Connected connected = connect(positionals, 0, "PID");
    Map<String, String> query = new HashMap<>();
    query.put("grep", grep);
    query.put(
        "kind",
        virtualOnly
            ? JsonObject.wireName(ThreadKind.VIRTUAL)
            : platformOnly ? JsonObject.wireName(ThreadKind.PLATFORM) : null);
    ThreadList answer = connected.client().get(Api.THREADS, query, ThreadList::fromWire);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return 0;
    }
    List<ThreadSnapshot> threads = answer.threads();
    for (ThreadSnapshot thread : threads) {
      StringBuilder header =
          new StringBuilder(
              // Virtual threads are mostly unnamed: say so rather than print empty quotes.
              (thread.name().isEmpty() ? "(unnamed)" : "\"" + thread.name() + "\"")
                  + " #"
                  + thread.id()
                  + " "
                  + thread.state());
      if (thread.virtual()) {
        header.append(" virtual");
      } else if (thread.daemon()) {
        header.append(" daemon");
      }
      if (thread.waitingOn() != null) {
        header.append(" on ").append(thread.waitingOn());
        if (thread.lockOwner() != null) {
          header.append(" owned by \"").append(thread.lockOwner()).append('"');
        }
      }
      printer.line(header.toString());
      for (String frame : thread.stack()) {
        printer.line("    " + frame);
      }
      printer.line("");
    }
    String kind = virtualOnly ? "virtual " : platformOnly ? "platform " : "";
    printer.line(
        threads.size()
            + " "
            + kind
            + (threads.size() == 1 ? "thread" : "threads")
            + (grep == null ? "" : " matching " + grep));
    if (answer.virtualThreadsNote() != null) {
      printer.line("note: " + answer.virtualThreadsNote());
    }
    return 0;
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.inspect.ClassList;
import dev.jlive.protocol.inspect.LoadedClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "classes",
    description = {
      "List loaded classes matching a pattern, with their class loader.",
      "Patterns: com.acme.Cart (one class), com.acme.* (a package), com.acme..* (with sub-packages), ..*Service (any package)."
    })
public final class ClassesCommand extends AgentCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] PATTERN",
      description = "The JVM's process id (unless --host) and a class pattern.")
  List<String> positionals;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description = "Show at most this many classes (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID PATTERN");
    ClassList answer =
        connected
            .client()
            .get(
                Api.CLASSES,
                Map.of("pattern", connected.rest().get(0), "limit", Integer.toString(limit)),
                ClassList::fromWire);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (LoadedClass type : answer.classes()) {
      rows.add(List.of(type.name(), type.kind(), type.loader(), String.valueOf(type.source())));
    }
    printer.table(List.of("CLASS", "KIND", "LOADER", "SOURCE"), rows);
    long total = answer.total();
    printer.line(
        total
            + (total == 1 ? " class" : " classes")
            + (answer.truncated() ? ", first " + limit + " shown" : ""));
    return 0;
  }
}

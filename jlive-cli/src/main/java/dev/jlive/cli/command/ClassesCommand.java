package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "classes", description = {
    "List loaded classes matching a pattern, with their class loader.",
    "Patterns: com.acme.Cart (one class), com.acme.* (a package), com.acme..* (with sub-packages), ..*Service (any package)."})
public final class ClassesCommand extends AgentCommand {
  @Parameters(arity = "1..2", paramLabel = "[PID] PATTERN", description = "The JVM's process id (unless --host) and a class pattern.")
  List<String> positionals;

  @Option(names = "--limit", defaultValue = "1000", description = "Show at most this many classes (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID PATTERN");
    Map<String, Object> answer = connected.client().get(Api.CLASSES, Map.of("pattern", connected.rest().get(0), "limit", Integer.toString(limit)));
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> type : (List<Map<String, Object>>) answer.get("classes")) {
      rows.add(List.of(String.valueOf(type.get("name")), String.valueOf(type.get("kind")), String.valueOf(type.get("loader")),
          String.valueOf(type.get("source"))));
    }
    printer.table(List.of("CLASS", "KIND", "LOADER", "SOURCE"), rows);
    long total = ((Number) answer.get("total")).longValue();
    printer.line(total + (total == 1 ? " class" : " classes") + (Boolean.TRUE.equals(answer.get("truncated")) ? ", first " + limit + " shown" : ""));
    return 0;
  }
}

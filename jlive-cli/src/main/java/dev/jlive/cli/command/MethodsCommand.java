package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.inspect.ClassMethods;
import dev.jlive.protocol.inspect.MethodInfo;
import dev.jlive.protocol.inspect.MethodList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "methods",
    description =
        "List the methods and constructors of a loaded class, with signatures and descriptors.")
public final class MethodsCommand extends AgentCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] CLASS",
      description = "The JVM's process id (unless --host) and a fully qualified class name.")
  List<String> positionals;

  @Option(
      names = "--loader",
      paramLabel = "ID",
      description =
          "Only the class from this loader (as `jlive classes` shows it), when several loaded it.")
  String loader;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID CLASS");
    Map<String, String> query = new HashMap<>();
    query.put("class", connected.rest().get(0));
    query.put("loader", loader);
    MethodList answer = connected.client().get(Api.METHODS, query, MethodList::fromWire);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return 0;
    }
    for (ClassMethods type : answer.classes()) {
      printer.line(type.name() + " (loader " + type.loader() + ")");
      List<List<String>> rows = new ArrayList<>();
      for (MethodInfo method : type.methods()) {
        String modifiers =
            String.valueOf(method.modifiers()) + (method.synthetic() ? " synthetic" : "");
        rows.add(List.of("  " + modifiers.trim(), method.signature(), method.descriptor()));
      }
      printer.table(List.of("  MODIFIERS", "SIGNATURE", "DESCRIPTOR"), rows);
    }
    return 0;
  }
}

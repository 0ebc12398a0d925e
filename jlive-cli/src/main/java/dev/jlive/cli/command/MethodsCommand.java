package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.inspect.ClassMethods;
import dev.jlive.protocol.inspect.MethodInfo;
import dev.jlive.protocol.inspect.MethodList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
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

  @Option(
      names = "--grep",
      paramLabel = "REGEX",
      description = "Only methods whose signature or descriptor contains a match of REGEX.")
  String grep;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID CLASS");
    Map<String, String> query = new HashMap<>();
    query.put("class", connected.rest().get(0));
    query.put("loader", loader);
    Pattern filter = grep == null ? null : pattern(grep);
    MethodList answer = connected.client().get(Api.METHODS, query, MethodList::fromWire);
    if (filter != null) {
      answer = only(answer, filter);
    }
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

  private static Pattern pattern(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new CliException(
          ExitCode.USAGE,
          "BAD_REQUEST",
          "--grep '" + regex + "' is not a regular expression: " + e.getDescription(),
          "give a Java regular expression, e.g. --grep 'price|quote'");
    }
  }

  private static MethodList only(MethodList answer, Pattern filter) {
    List<ClassMethods> classes = new ArrayList<>();
    for (ClassMethods type : answer.classes()) {
      List<MethodInfo> methods = new ArrayList<>();
      for (MethodInfo method : type.methods()) {
        if (filter.matcher(method.signature()).find()
            || filter.matcher(method.descriptor()).find()) {
          methods.add(method);
        }
      }
      classes.add(new ClassMethods(type.name(), type.loader(), methods));
    }
    return new MethodList(classes);
  }
}

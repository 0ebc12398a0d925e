package dev.jlive.cli.shell;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * TAB in the shell: command and subcommand names and flags from the picocli model (so they never
 * drift from the commands), and, where a command takes a class, a method selector or an id, what
 * the target has loaded or holds. Which kind of value a position takes is read from its parameter
 * label ({@code [PID] SELECTOR}, {@code CLASS}, {@code [PID] ID}), the same label the usage shows.
 */
final class ShellCompleter implements Completer {
  /** What a position takes, as its parameter label names it. */
  enum ValueKind {
    SELECTOR,
    CLASS,
    ID,
    OTHER;

    static ValueKind of(String label) {
      String[] words = label.replaceAll("[\\[\\]]", "").split("\\s+");
      String last = words[words.length - 1].toUpperCase(Locale.ROOT);
      return switch (last) {
        case "SELECTOR" -> SELECTOR;
        case "CLASS", "PATTERN" -> CLASS;
        case "ID" -> ID;
        default -> OTHER;
      };
    }
  }

  private final CommandSpec root;
  private final Lookups lookups;

  ShellCompleter(CommandSpec root, Lookups lookups) {
    this.root = root;
    this.lookups = lookups;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    List<String> before = line.words().subList(0, line.wordIndex());
    String prefix = line.word().substring(0, line.wordCursor());
    for (String value : complete(before, prefix)) {
      boolean open = value.endsWith(".") || value.endsWith("#");
      candidates.add(new Candidate(value, value, null, null, null, null, !open));
    }
  }

  /** The completions of {@code prefix} after the words {@code before}, for tests and the reader. */
  List<String> complete(List<String> before, String prefix) {
    Set<String> found = new LinkedHashSet<>();
    CommandLines.Walk walk = CommandLines.walk(root, before);
    CommandSpec command = walk.spec();
    boolean rightAfterCommand = walk.consumed() == before.size();
    if (before.isEmpty()) {
      found.addAll(Shell.BUILT_INS);
    }
    if (rightAfterCommand && !command.subcommands().isEmpty()) {
      command.subcommands().keySet().stream()
          .filter(name -> !name.equals("shell"))
          .forEach(found::add);
    }
    if (prefix.startsWith("-")) {
      for (OptionSpec option : command.options()) {
        found.addAll(List.of(option.names()));
      }
    } else {
      ValueKind kind = kindAt(command, before.subList(walk.consumed(), before.size()));
      switch (kind) {
        case SELECTOR -> found.addAll(selectors(prefix));
        case CLASS -> found.addAll(classes(prefix, ""));
        case ID -> found.addAll(lookups.ids());
        case OTHER -> {}
      }
    }
    return found.stream().filter(value -> value.startsWith(prefix)).toList();
  }

  /** What the next word takes: the value of the option just typed, or the command's positional. */
  private static ValueKind kindAt(CommandSpec command, List<String> afterCommand) {
    if (!afterCommand.isEmpty()) {
      OptionSpec option = command.findOption(afterCommand.get(afterCommand.size() - 1));
      if (option != null) {
        return option.arity().max() > 0 ? ValueKind.of(option.paramLabel()) : positional(command);
      }
    }
    return positional(command);
  }

  private static ValueKind positional(CommandSpec command) {
    return command.positionalParameters().stream()
        .map(ArgSpec::paramLabel)
        .map(ValueKind::of)
        .filter(kind -> kind != ValueKind.OTHER)
        .findFirst()
        .orElse(ValueKind.OTHER);
  }

  /** {@code Class#} then {@code Class#method}. */
  private List<String> selectors(String prefix) {
    int hash = prefix.indexOf('#');
    if (hash < 0) {
      return classes(prefix, "#");
    }
    String className = prefix.substring(0, hash);
    return lookups.methods(className).stream().map(name -> className + "#" + name).toList();
  }

  /**
   * The next package segment (ending in a dot, to go on typing) or a whole class name (ending in
   * {@code suffix}), as a shell completes paths one folder at a time.
   */
  private List<String> classes(String prefix, String suffix) {
    Set<String> next = new LinkedHashSet<>();
    for (String name : lookups.classes(prefix)) {
      int dot = name.indexOf('.', prefix.length());
      next.add(dot < 0 ? name + suffix : name.substring(0, dot + 1));
    }
    return List.copyOf(next);
  }
}

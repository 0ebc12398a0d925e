package dev.jlive.cli.shell;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.JLiveCommand;
import dev.jlive.cli.client.HttpClients;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jlive shell}: reads command lines and runs each as {@code jlive} would, with the target
 * inserted, through the same picocli commands, so output and errors are the CLI's. What makes a
 * command instant is what the session keeps: one JVM already warm, and one HTTP client whose
 * connection to the agent stays open. The discovery file is still read per command (a few file
 * reads): a re-attach in between, with a new port and token, is then followed.
 *
 * <p>Ctrl-C during a command (e.g. {@code tail}) interrupts the thread running it, which ends the
 * request it waits on; the prompt comes back. Ctrl-C at the prompt drops the line, Ctrl-D or {@code
 * exit} ends the session.
 */
public final class Shell {
  static final List<String> BUILT_INS = List.of("help", "exit", "quit");

  private final ShellTarget target;
  private final Terminal terminal;
  private final HttpClient http;
  private final CommandSpec model;
  private final ShellCompleter completer;
  private final PrintStream out;
  private volatile Thread running;

  /**
   * A shell on {@code terminal}; {@code target}'s clients must have been made with {@code http}
   * (see {@link HttpClients#reusing}) so that completion shares the session's connection.
   */
  public Shell(ShellTarget target, Terminal terminal, HttpClient http) {
    this.target = target;
    this.terminal = terminal;
    this.http = http;
    this.model = JLiveCommand.commandTree().getCommandSpec();
    this.completer = new ShellCompleter(model, new Lookups(target));
    this.out = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
  }

  /** Reads and runs lines until exit or end of input; history goes to {@code historyFile}. */
  public int run(Path historyFile) {
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("jlive")
            .completer(completer)
            .parser(new DefaultParser())
            .variable(LineReader.HISTORY_FILE, historyFile)
            // `!` is common in --when expressions; it must not be taken for history expansion.
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .build();
    terminal.handle(Terminal.Signal.INT, signal -> interruptCommand());
    String prompt = "jlive " + target.name() + "> ";
    while (true) {
      String line;
      try {
        line = reader.readLine(prompt);
      } catch (UserInterruptException e) {
        continue;
      } catch (EndOfFileException e) {
        return 0;
      }
      List<String> words = words(reader.getParsedLine().words(), line);
      if (!execute(words)) {
        return 0;
      }
    }
  }

  /** Ctrl-C: ends the running command, not the shell. */
  void interruptCommand() {
    Thread command = running;
    if (command != null) {
      command.interrupt();
    }
  }

  /** Runs one line's words; false when they end the session. */
  public boolean execute(List<String> typed) {
    List<String> words = typed;
    if (!words.isEmpty() && words.get(0).equals("jlive")) {
      words = words.subList(1, words.size());
    }
    if (words.isEmpty()) {
      return true;
    }
    String first = words.get(0);
    if (first.equals("exit") || first.equals("quit")) {
      return false;
    }
    if (first.equals("help") && words.size() == 1) {
      out.println(
          "Type a jlive command without the target, e.g. `probe add com.acme.Cart#add --count`;"
              + " it goes to "
              + target.name()
              + ". TAB completes commands, flags, classes, methods and ids; `tail` runs until"
              + " Ctrl-C; exit, quit or Ctrl-D leaves.");
    }
    if (first.equals("shell")) {
      printError(
          new CliException(
              ExitCode.USAGE, "USAGE", "this is a jlive shell already", "exit it first"));
      return true;
    }
    if (!model.subcommands().containsKey(first) && !first.startsWith("-")) {
      // The CLI would print the whole root usage; in a session one line says more.
      printError(
          new CliException(
              ExitCode.USAGE,
              "USAGE",
              "'" + first + "' is not a jlive command",
              "`help` lists them; TAB completes them"));
      return true;
    }
    List<String> args;
    try {
      args = CommandLines.withTarget(model, words, target);
    } catch (CliException e) {
      printError(e);
      return true;
    }
    running = Thread.currentThread();
    try {
      HttpClients.reusing(http, () -> JLiveCommand.run(args.toArray(String[]::new), out, out));
    } finally {
      running = null;
      // A Ctrl-C that came as the command ended must not cut short the next one.
      Thread.interrupted();
      terminal.flush();
    }
    return true;
  }

  /** The completions of {@code prefix} after {@code before}, as TAB offers them. */
  public List<String> complete(List<String> before, String prefix) {
    return completer.complete(before, prefix);
  }

  private void printError(CliException e) {
    out.println("jlive: " + e.getMessage());
    if (!e.hint().isEmpty()) {
      out.println("  hint: " + e.hint());
    }
  }

  /** The parser's words, without the empty word it adds after a trailing space. */
  private static List<String> words(List<String> parsed, String line) {
    List<String> words = new ArrayList<>(parsed);
    if (!words.isEmpty()
        && words.get(words.size() - 1).isEmpty()
        && !line.isEmpty()
        && Character.isWhitespace(line.charAt(line.length() - 1))) {
      words.remove(words.size() - 1);
    }
    return words;
  }
}

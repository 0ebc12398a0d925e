package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.JLiveCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command and subcommand answers {@code --help} and {@code jlive help ...} with its usage.
 */
class HelpEverywhereTest {

  @Test
  void everyCommandAnswersHelpOptionWithItsOwnUsage() {
    List<List<String>> paths = commandPaths();
    assertThat(paths).hasSizeGreaterThan(20).contains(List.of("probe", "add"));
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Run run = run(args);
      assertThat(run.code).as("exit code of %s", args).isZero();
      assertThat(run.out).as("output of %s", args).startsWith(usageLine(path));
      assertThat(run.err).as("errors of %s", args).isEmpty();
    }
  }

  @Test
  void helpCommandFollowsSubcommandsToTheEnd() {
    for (List<String> path : commandPaths()) {
      List<String> args = new ArrayList<>();
      args.add("help");
      args.addAll(path);
      Run run = run(args);
      assertThat(run.code).as("exit code of %s", args).isZero();
      assertThat(run.out).as("output of %s", args).startsWith(usageLine(path));
    }
  }

  @Test
  void helpForUnknownSubcommandNamesTheKnownOnes() {
    Run run = run(List.of("help", "probe", "ad"));
    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("'ad' is not a command of `jlive probe`").contains("add");
  }

  private static String usageLine(List<String> path) {
    return "Usage: jlive " + String.join(" ", path);
  }

  /** Every command below the root, as the words that name it. */
  private static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(JLiveCommand.commandTree(), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandSpec().helpCommand()
                  || !sub.getCommandName().equals(name)) { // skip aliases and help itself
                return;
              }
              List<String> subPath = new ArrayList<>(path);
              subPath.add(name);
              paths.add(subPath);
              collect(sub, subPath, paths);
            });
  }

  private static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        JLiveCommand.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {}
}

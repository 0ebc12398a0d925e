package dev.jlive.cli.shell;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Turns a line typed in the shell into a {@code jlive} command line: the target goes in right after
 * the command's name, where a PID (or --service NAME) would be typed.
 */
final class CommandLines {
  private CommandLines() {}

  /** {@code words} with the target inserted where the command takes one. */
  static List<String> withTarget(CommandSpec root, List<String> words, ShellTarget target) {
    Walk walk = walk(root, words);
    CommandSpec command = walk.spec();
    boolean takesAgent = command.findOption("--host") != null;
    boolean takesService = command.findOption("--service") != null;
    if (target.onService() && takesAgent && !takesService) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "`"
              + String.join(" ", words.subList(0, walk.consumed()))
              + "` works on one JVM, and this shell is aimed at service "
              + target.service(),
          "open a shell on one process: `jlive shell PID` (`jlive processes "
              + target.service()
              + "` lists them)");
    }
    if (!(target.onService() ? takesService : takesAgent)) {
      return words;
    }
    List<String> args = new ArrayList<>(words.subList(0, walk.consumed()));
    args.addAll(target.arguments());
    args.addAll(words.subList(walk.consumed(), words.size()));
    return args;
  }

  /**
   * Follows the subcommand names at the start of {@code words}.
   *
   * @param consumed how many words named commands
   */
  record Walk(CommandSpec spec, int consumed) {}

  static Walk walk(CommandSpec root, List<String> words) {
    CommandSpec spec = root;
    int consumed = 0;
    for (String word : words) {
      CommandLine sub = spec.subcommands().get(word);
      if (sub == null) {
        break;
      }
      spec = sub.getCommandSpec();
      consumed++;
    }
    return new Walk(spec, consumed);
  }
}

package dev.jlive.cli.command;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;

/**
 * {@code jlive help [COMMAND [SUBCOMMAND...]]}: the usage of the command the words name, however
 * deep (picocli's own help command stops at the first word, so {@code help probe add} showed {@code
 * probe}).
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the usage of a command: jlive help probe add")
public final class HelpCommand implements Runnable {
  @Parameters(paramLabel = "COMMAND", description = "the command and its subcommands")
  List<String> words = List.of();

  @CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    CommandLine command = spec.parent().commandLine();
    for (String word : words) {
      CommandLine sub = command.getSubcommands().get(word);
      if (sub == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "'"
                + word
                + "' is not a command of `"
                + command.getCommandSpec().qualifiedName()
                + "`; its commands are: "
                + String.join(", ", command.getSubcommands().keySet()));
      }
      command = sub;
    }
    command.usage(spec.commandLine().getOut());
  }

  /**
   * Gives every command in the tree {@code -h}/{@code --help}, so that {@code jlive probe add
   * --help} prints the usage instead of first complaining about a missing parameter (a usage-help
   * option turns off the check of required ones).
   */
  public static void addHelpOptionEverywhere(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    if (spec.optionsMap().get("--help") == null && !spec.helpCommand()) {
      spec.addOption(
          CommandLine.Model.OptionSpec.builder("-h", "--help")
              .usageHelp(true)
              .description("Show this help and exit.")
              .build());
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      addHelpOptionEverywhere(sub);
    }
  }
}

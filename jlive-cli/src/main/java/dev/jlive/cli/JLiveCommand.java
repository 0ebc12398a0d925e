package dev.jlive.cli;

import dev.jlive.cli.client.Notes;
import dev.jlive.cli.command.AgentJarCommand;
import dev.jlive.cli.command.ApprovalsCommand;
import dev.jlive.cli.command.ApproveCommand;
import dev.jlive.cli.command.AttachCommand;
import dev.jlive.cli.command.AuditCommand;
import dev.jlive.cli.command.ChangesCommand;
import dev.jlive.cli.command.CheckCommand;
import dev.jlive.cli.command.ClassesCommand;
import dev.jlive.cli.command.ControllerCommand;
import dev.jlive.cli.command.DemoCommand;
import dev.jlive.cli.command.DetachCommand;
import dev.jlive.cli.command.DiffCommand;
import dev.jlive.cli.command.HelpCommand;
import dev.jlive.cli.command.InfoCommand;
import dev.jlive.cli.command.MethodsCommand;
import dev.jlive.cli.command.MetricsCommand;
import dev.jlive.cli.command.PatchCommand;
import dev.jlive.cli.command.PolicyCommand;
import dev.jlive.cli.command.ProbeCommand;
import dev.jlive.cli.command.ProcessesCommand;
import dev.jlive.cli.command.PsCommand;
import dev.jlive.cli.command.RecordCommand;
import dev.jlive.cli.command.RejectCommand;
import dev.jlive.cli.command.ReplayCommand;
import dev.jlive.cli.command.RevertCommand;
import dev.jlive.cli.command.RolloutCommand;
import dev.jlive.cli.command.ServicesCommand;
import dev.jlive.cli.command.ShadowCommand;
import dev.jlive.cli.command.ShellCommand;
import dev.jlive.cli.command.TailCommand;
import dev.jlive.cli.command.ThreadsCommand;
import dev.jlive.cli.command.UiCommand;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Version;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root of the command tree; each subcommand lives in {@code dev.jlive.cli.command}.
 *
 * <p>The subcommands are added by {@link #commandLineFor}, not listed in the annotation: picocli
 * builds the model of every command it is given by reflection before it runs one, and the whole
 * tree (about 30 commands, each with its subcommands and options) was most of a short command's
 * start-up (docs/BENCHMARKS.md, section 32). A command line gets the root and the one command its
 * first word names; only what lists or searches every command gets the whole tree.
 */
@Command(
    name = "jlive",
    mixinStandardHelpOptions = true,
    versionProvider = JLiveCommand.VersionProvider.class,
    description = "Change the code of a running JVM without a restart.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected failure",
      "2:bad command line",
      "3:no such process, or not a JVM",
      "4:the JVM refuses the agent",
      "5:jlive is not loaded in that JVM",
      "6:the agent (or controller) cannot be reached",
      "7:the agent (or controller) refused the token",
      "8:the agent (or controller) answered with an error",
      "9:--service: not every process reached the wanted state",
      "10:audit verify: the audit log's chain is broken"
    })
public final class JLiveCommand implements Runnable {
  /** Every top-level command, in the order {@code jlive help} lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
          PsCommand.class,
          AttachCommand.class,
          AgentJarCommand.class,
          DetachCommand.class,
          InfoCommand.class,
          ThreadsCommand.class,
          ClassesCommand.class,
          MethodsCommand.class,
          CheckCommand.class,
          ProbeCommand.class,
          TailCommand.class,
          MetricsCommand.class,
          PatchCommand.class,
          ShadowCommand.class,
          RecordCommand.class,
          ReplayCommand.class,
          DiffCommand.class,
          RevertCommand.class,
          ChangesCommand.class,
          ServicesCommand.class,
          ProcessesCommand.class,
          AuditCommand.class,
          PolicyCommand.class,
          ApprovalsCommand.class,
          ApproveCommand.class,
          RejectCommand.class,
          RolloutCommand.class,
          ControllerCommand.class,
          ShellCommand.class,
          UiCommand.class,
          DemoCommand.class,
          HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command, e.g. `jlive ps`; `jlive help` lists them");
  }

  /** Runs one command line and returns its exit code; output goes to the given streams. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(commandLineFor(args), args, out, err);
  }

  /** Runs {@code args} on the given command tree; the tests compare trees with it. */
  static int run(CommandLine commandLine, String[] args, PrintStream out, PrintStream err) {
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> Printer.of(cmd).failure(exception));
    return Notes.to(err, () -> commandLine.execute(args));
  }

  /** The whole command tree: for the shell's model and completion, and for tests. */
  public static CommandLine commandTree() {
    return tree(COMMANDS);
  }

  /**
   * The part of the tree {@code args} can reach: the root and the command the first word names
   * (with all of its subcommands), or the root alone for {@code --version}. Anything else gets the
   * whole tree, so that its output is the same as ever: no command or {@code --help} (the root's
   * usage lists every command), {@code help} (lists them too), and a word that names no command
   * (picocli suggests the nearest names).
   */
  static CommandLine commandLineFor(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return tree(List.of());
    }
    Class<?> named = args.length == 0 ? null : commandNamed(args[0]);
    if (named == null || named == HelpCommand.class) {
      return commandTree();
    }
    return tree(List.of(named));
  }

  /** The top-level command called {@code word} (by name or alias), or null. */
  private static Class<?> commandNamed(String word) {
    for (Class<?> command : COMMANDS) {
      Command annotation = command.getAnnotation(Command.class);
      if (annotation.name().equals(word) || Arrays.asList(annotation.aliases()).contains(word)) {
        return command;
      }
    }
    return null;
  }

  private static CommandLine tree(List<Class<?>> commands) {
    CommandLine root = new CommandLine(new JLiveCommand());
    for (Class<?> command : commands) {
      root.addSubcommand(command);
    }
    HelpCommand.addHelpOptionEverywhere(root);
    return root;
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"jlive " + Version.current()};
    }
  }
}

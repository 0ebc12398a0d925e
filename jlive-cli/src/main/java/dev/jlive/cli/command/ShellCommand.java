package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.HttpClients;
import dev.jlive.cli.client.ServiceOptions;
import dev.jlive.cli.client.TargetOptions;
import dev.jlive.cli.shell.Shell;
import dev.jlive.cli.shell.ShellTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "shell",
    description = {
      "An interactive shell on one JVM or service: jlive commands without the target, at once.",
      "Type e.g. `probe add com.acme.Cart#add --count`; the connection stays open between commands.",
      "History (~/.jlive_history), TAB completion of commands, flags, loaded classes, methods and",
      "probe and change ids; `tail` runs until Ctrl-C; exit, quit or Ctrl-D leaves."
    })
public final class ShellCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  String pid;

  @Mixin TargetOptions target;

  @Mixin ServiceOptions fleet;

  @Option(
      names = "--history",
      paramLabel = "FILE",
      description = "Where to keep the lines typed (default: ~/.jlive_history).")
  Path history;

  @Override
  public Integer call() {
    HttpClient http = HttpClients.newClient();
    ShellTarget shellTarget = HttpClients.reusing(http, this::connect);
    try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
      return new Shell(shellTarget, terminal, http).run(historyFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ShellTarget connect() {
    if (fleet.isGiven()) {
      if (pid != null || target.isRemote()) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "give either a PID (or --host) or --service NAME, not both",
            "a shell is aimed at one JVM or at every process of one service");
      }
      return ShellTarget.toService(fleet);
    }
    fleet.refuseWithoutService();
    return ShellTarget.toAgent(target, pid);
  }

  private Path historyFile() {
    return history != null ? history : Paths.get(System.getProperty("user.home"), ".jlive_history");
  }
}

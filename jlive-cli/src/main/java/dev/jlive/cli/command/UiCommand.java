package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.AgentClient;
import dev.jlive.cli.client.Targets;
import dev.jlive.cli.output.Printer;
import dev.jlive.cli.ui.ProcessDashboard;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "ui",
    description = {
      "Open the dashboard's pages for one JVM, without a controller: its changes, probes with live"
          + " charts and events, a form to add probes.",
      "Serves on 127.0.0.1 only and prints a one-time link that signs the browser in; runs until"
          + " Ctrl-C."
    })
public final class UiCommand implements Callable<Integer> {
  @Parameters(paramLabel = "PID", description = "The JVM's process id (jlive attached).")
  String pid;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "The local port to serve on (default: a free one).")
  int port;

  @Option(names = "--no-open", description = "Print the link only; do not start a browser.")
  boolean noOpen;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    // A local PID only: --port here is the page's port, and the link must open on this machine.
    AgentClient agent = new AgentClient(Targets.resolve(null, pid));
    Printer printer = Printer.of(spec.commandLine());
    ProcessDashboard dashboard;
    try {
      dashboard = ProcessDashboard.start(agent, port);
    } catch (BindException e) {
      throw new CliException(
          ExitCode.ERROR,
          "PORT_IN_USE",
          "cannot serve on 127.0.0.1:" + port + ": " + e.getMessage(),
          "pick another --port, or leave it out for a free one");
    } catch (IOException e) {
      throw new CliException(
          ExitCode.ERROR,
          "UI_FAILED",
          "cannot start the local dashboard: " + e.getMessage(),
          "check that 127.0.0.1 can be listened on");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread stop =
        new Thread(
            () -> {
              dashboard.close();
              stopped.countDown();
            },
            "jlive-ui-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    printer.line(
        "dashboard of "
            + agent.endpoint().describe()
            + " on "
            + dashboard.url()
            + "\nopen this link once to sign in (it works once, on this machine only):\n  "
            + dashboard.oneTimeUrl()
            + "\nCtrl-C stops it.");
    if (!noOpen) {
      dashboard.openBrowser(printer);
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // Stopped from inside this JVM (a test, the shell): the hook is not needed any more.
      if (stopped.getCount() > 0) {
        Runtime.getRuntime().removeShutdownHook(stop);
        dashboard.close();
      }
    }
    return 0;
  }
}

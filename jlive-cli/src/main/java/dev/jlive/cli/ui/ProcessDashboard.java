package dev.jlive.cli.ui;

import dev.jlive.cli.client.AgentClient;
import dev.jlive.cli.output.Printer;
import dev.jlive.controller.auth.Grant;
import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.auth.Role;
import dev.jlive.controller.ui.DashboardServer;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code jlive ui PID}: the controller's dashboard server, on loopback, in front of one agent. The
 * person who ran it holds the agent's token already, so the pages act as an admin of that one
 * process; the browser proves it is theirs by opening the one-time link.
 */
public final class ProcessDashboard implements AutoCloseable {
  private final DashboardServer server;

  private ProcessDashboard(DashboardServer server) {
    this.server = server;
  }

  public static ProcessDashboard start(AgentClient agent, int port) throws IOException {
    String service = "pid-" + agent.endpoint().pid();
    ProcessRoutes routes = new ProcessRoutes(agent, service);
    Principal user =
        new Principal(
            System.getProperty("user.name", "local"), List.of(new Grant(Role.ADMIN, null)));
    return new ProcessDashboard(
        DashboardServer.startForProcess(
            port, user, routes, routes::reported, new AgentPatchSources(agent)));
  }

  public String url() {
    return server.url();
  }

  public String oneTimeUrl() {
    return server.oneTimeUrl();
  }

  /** Starts the desktop's browser on the link; where there is none, the printed link will do. */
  public void openBrowser(Printer printer) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String opener = os.contains("mac") ? "open" : os.contains("win") ? "explorer" : "xdg-open";
    try {
      new ProcessBuilder(opener, server.oneTimeUrl()).inheritIO().start();
    } catch (IOException | RuntimeException e) {
      printer.note("could not start a browser (" + e.getMessage() + "): open the link yourself");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

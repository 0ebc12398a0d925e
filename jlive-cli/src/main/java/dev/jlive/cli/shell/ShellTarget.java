package dev.jlive.cli.shell;

import dev.jlive.cli.client.AgentClient;
import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.client.HttpClients;
import dev.jlive.cli.client.ServiceOptions;
import dev.jlive.cli.client.TargetOptions;
import dev.jlive.cli.client.Targets;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every command of a shell is aimed at, resolved once when the shell starts.
 *
 * @param name how the prompt names it: the pid, the remote address, or the service
 * @param arguments what is inserted into each command line: the PID (or --host, --port,
 *     --token-file), or --service NAME with the controller options
 * @param agent the agent, for completion; null on a service
 * @param controller the controller, for completion; null on one agent
 * @param service the service's name; null on one agent
 */
public record ShellTarget(
    String name,
    List<String> arguments,
    AgentClient agent,
    ControllerClient controller,
    String service) {
  public ShellTarget {
    arguments = List.copyOf(arguments);
  }

  /**
   * One agent: a local pid, or {@code remote}'s --host/--port/--token-file. Fails as the commands
   * do if it cannot be reached. Call within {@link HttpClients#reusing} with the session's client.
   */
  public static ShellTarget toAgent(TargetOptions remote, String pid) {
    AgentClient agent = new AgentClient(Targets.resolve(remote, pid));
    // Fails now, not at the first command, if the agent does not answer; and opens the connection.
    agent.get(Api.INFO, Map.of());
    boolean isRemote = remote != null && remote.isRemote();
    return new ShellTarget(
        isRemote ? agent.endpoint().address() : pid,
        isRemote ? remote.asArguments() : List.of(pid),
        agent,
        null,
        null);
  }

  /**
   * Every process of a service, through the controller; fails if the controller does not answer.
   */
  public static ShellTarget toService(ServiceOptions fleet) {
    String service = fleet.service();
    ControllerClient controller = new ControllerClient(fleet.controller().resolve());
    controller.get(FleetApi.changes(service), Map.of());
    List<String> arguments = new ArrayList<>(List.of("--service", service));
    arguments.addAll(fleet.controller().asArguments());
    return new ShellTarget(service, arguments, null, controller, service);
  }

  public boolean onService() {
    return service != null;
  }
}

package dev.jlive.cli.command;

import dev.jlive.protocol.Api;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "changes", description = "Every change jlive made in the JVM: what, who asked, when, and its state now.")
public final class ChangesCommand extends AgentCommand {
  @Parameters(arity = "0..1", paramLabel = "PID", description = "The JVM's process id.")
  List<String> positionals;

  @Override
  public Integer call() {
    Connected connected = connect(positionals, 0, "PID");
    printer().records(connected.client().get(Api.CHANGES, Map.of()), "changes", List.of("ID", "KIND", "STATE", "BY", "SINCE", "WHAT", "WHY"),
        List.of("id", "kind", "state", "author", "createdAt", "description", "reason"), "no changes");
    return 0;
  }
}

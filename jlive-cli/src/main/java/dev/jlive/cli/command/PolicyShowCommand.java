package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.governance.PolicyAnswer;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "show",
    description = {
      "The policy in force for a service: its own, else the default, else the built-in one",
      "(a patch needs 1 approval, a probe none, a capture probe 1)."
    })
public final class PolicyShowCommand extends ControllerClientCommand {
  @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Option(
      names = "--default",
      description = "Show the default for services without a policy of their own.")
  boolean defaults;

  @Override
  public Integer call() {
    PolicyAnswer answer =
        controller().policy(PolicySetCommand.target(spec, service, defaults, "show"));
    print(printer(), answer);
    return 0;
  }

  static void print(Printer printer, PolicyAnswer answer) {
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return;
    }
    printer.line(
        (answer.service() == null ? "default policy" : "policy of " + answer.service())
            + " ("
            + switch (String.valueOf(answer.source())) {
              case "service" -> "set for this service";
              case "default" -> "the default an admin set";
              default -> "built in: nobody set one";
            }
            + ")");
    printer.keyValues(
        List.of(
            List.of("  patch", approvals(answer.policy().patchApprovals())),
            List.of("  probe", approvals(answer.policy().probeApprovals())),
            List.of("  capture probe", approvals(answer.policy().captureApprovals())),
            List.of(
                "  approvers",
                answer.policy().approvers().isEmpty()
                    ? "anyone with the approver role"
                    : String.join(", ", answer.policy().approvers())),
            List.of(
                "  rollout",
                answer.policy().rollout() == null
                    ? "none: a change goes to every process at once"
                    : RolloutStatusCommand.plan(answer.policy().rollout()))));
  }

  static String approvals(int count) {
    return count == 0 ? "no approval" : count == 1 ? "1 approval" : count + " approvals";
  }
}

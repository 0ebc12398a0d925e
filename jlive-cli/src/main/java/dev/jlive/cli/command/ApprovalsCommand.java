package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.governance.ApprovalList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "approvals",
    description = {
      "The proposed changes that wait for approval, oldest first, each with what it would change:",
      "a patch's source diff against the active patch of the same class (or \"new\")."
    })
public final class ApprovalsCommand extends ControllerClientCommand {
  @Option(names = "--service", paramLabel = "NAME", description = "Only this service.")
  String service;

  @Override
  public Integer call() {
    ApprovalList list = controller().approvals(service);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(list.toJson());
      return 0;
    }
    if (list.waiting().isEmpty()) {
      printer.line(
          "nothing waits for approval" + (service == null ? "" : " in service " + service));
      return 0;
    }
    for (ApprovalList.Waiting waiting : list.waiting()) {
      Change change = waiting.change();
      printer.line(
          change.service()
              + " "
              + change.id()
              + ": "
              + Rollout.describe(change)
              + ", by "
              + change.author()
              + " at "
              + change.createdAt()
              + "; "
              + change.approvalCount()
              + " of "
              + change.required()
              + " approvals, "
              + waiting.missing()
              + " more needed");
      change
          .approvals()
          .forEach(
              approval ->
                  printer.line(
                      "  approved by "
                          + approval.by()
                          + " at "
                          + approval.at()
                          + (approval.comment() == null ? "" : ": " + approval.comment())));
      printer.line(waiting.diff().stripTrailing().indent(2).stripTrailing());
      printer.line(
          "  approve: jlive approve "
              + change.service()
              + " "
              + change.id()
              + "   reject: jlive reject "
              + change.service()
              + " "
              + change.id()
              + " --comment WHY");
      printer.line("");
    }
    return 0;
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "approve",
    description = {
      "Approve a proposed change (see `jlive approvals`). Its author cannot. With the last approval",
      "the policy asks for, the change becomes active and goes to every matching process."
    })
public final class ApproveCommand extends ControllerClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Parameters(index = "1", paramLabel = "ID", description = "The proposed change's id.")
  String id;

  @Option(names = "--comment", paramLabel = "TEXT", description = "Why, for the record.")
  String comment;

  @Override
  public Integer call() {
    ChangeAnswer answer = controller().approve(service, id, comment);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return 0;
    }
    Change change = answer.change();
    if (change.isActive()) {
      printer.line(
          "approved "
              + change.id()
              + " ("
              + change.approvalCount()
              + " of "
              + change.required()
              + "): active, going to the processes of "
              + service
              + "; `jlive changes --service "
              + service
              + " "
              + change.id()
              + "` shows where it stands");
    } else {
      printer.line(
          "approved "
              + change.id()
              + " ("
              + change.approvalCount()
              + " of "
              + change.required()
              + "): it waits for "
              + (change.required() - change.approvalCount())
              + " more approval(s) from someone else");
    }
    return 0;
  }
}

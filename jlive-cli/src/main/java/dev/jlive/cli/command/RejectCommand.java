package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.change.ChangeAnswer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "reject",
    description = {
      "Reject a proposed change for good: it never reaches a process. Its author may withdraw it",
      "this way too. The comment tells the author why."
    })
public final class RejectCommand extends ControllerClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Parameters(index = "1", paramLabel = "ID", description = "The proposed change's id.")
  String id;

  @Option(
      names = "--comment",
      required = true,
      paramLabel = "TEXT",
      description = "Why it is rejected.")
  String comment;

  @Override
  public Integer call() {
    ChangeAnswer answer = controller().reject(service, id, comment);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer.toJson());
    } else {
      printer.line(
          "rejected " + answer.change().id() + " of " + service + ": no process will receive it");
    }
    return 0;
  }
}

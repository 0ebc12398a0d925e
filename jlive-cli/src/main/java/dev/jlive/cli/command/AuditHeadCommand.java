package dev.jlive.cli.command;

import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.audit.AuditHead;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
    name = "head",
    description = {
      "The audit log's last record and its hash. Keep it where the controllers cannot write",
      "(a ticket, another system's log): a log rewritten after that no longer leads to it."
    })
public final class AuditHeadCommand extends ControllerClientCommand {
  @Override
  public Integer call() {
    AuditHead head = AuditHead.fromWire(controller().get(FleetApi.AUDIT_HEAD, Map.of()));
    if (printer().isJson()) {
      printer().json(head.toJson());
    } else {
      printer().line("record " + head.sequence() + "  sha256 " + head.hash());
    }
    return ExitCode.OK;
  }
}

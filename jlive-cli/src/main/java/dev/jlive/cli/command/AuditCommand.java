package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.audit.AuditPage;
import dev.jlive.protocol.audit.AuditRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "audit",
    description = {
      "The controller's audit log: who changed what, from where, when, and the result; refused",
      "requests and reads of captured snapshots too. Oldest first. With --json, one record per",
      "line (JSON lines, for a SIEM): such an export verifies on its own with `audit verify --file`."
    },
    subcommands = {AuditVerifyCommand.class, AuditHeadCommand.class})
public final class AuditCommand extends ControllerClientCommand {
  private static final int PAGE = 500;

  @Option(names = "--service", paramLabel = "NAME", description = "Only this service's records.")
  String service;

  @Option(
      names = "--since",
      paramLabel = "T",
      description =
          "Only records from T on: an instant (2026-12-01T20:00:00Z) or a time ago (30m, 2h, 7d).")
  String since;

  @Override
  public Integer call() {
    ControllerClient controller = controller();
    Printer printer = printer();
    Map<String, String> query = new LinkedHashMap<>();
    if (service != null) {
      query.put("service", service);
    }
    if (since != null) {
      query.put("since", since(since, Instant.now()).toString());
    }
    query.put("limit", String.valueOf(PAGE));
    List<List<String>> rows = new ArrayList<>();
    Long after = 0L;
    while (after != null) {
      query.put("after", String.valueOf(after));
      AuditPage page = AuditPage.fromWire(controller.get(FleetApi.AUDIT, query));
      if (printer.isJson()) {
        // One record per line, exactly as stored: the hashes cover that form.
        page.records().forEach(record -> printer.line(Json.write(record)));
      } else {
        page.read().forEach(record -> rows.add(row(record)));
      }
      after = page.next();
    }
    if (!printer.isJson()) {
      if (rows.isEmpty()) {
        printer.line("no audit records" + (service != null || since != null ? " match" : ""));
      } else {
        printer.table(
            List.of("SEQ", "TIME", "USER", "ROLE", "FROM", "WHAT", "SERVICE", "CHANGE", "RESULT"),
            rows);
      }
    }
    return ExitCode.OK;
  }

  private static List<String> row(AuditRecord record) {
    String result =
        record.result()
            + (record.status() == null ? "" : " " + record.status())
            + (record.code() == null ? "" : " " + record.code())
            + (record.detail() == null ? "" : ": " + record.detail());
    List<String> row = new ArrayList<>();
    row.add(String.valueOf(record.sequence()));
    row.add(record.time().toString());
    row.add(text(record.user()));
    row.add(text(record.role()));
    row.add(text(record.from()));
    row.add(record.operation());
    row.add(text(record.service()));
    row.add(text(record.change()));
    row.add(result);
    return row;
  }

  private static String text(String value) {
    return value == null ? "-" : value;
  }

  /** An instant as written, or a duration ago ({@code 2h}). */
  static Instant since(String text, Instant now) {
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.minus(Durations.parse("--since", text));
      } catch (CliException notADuration) {
        throw new CliException(
            ExitCode.USAGE,
            "USAGE",
            "--since " + text + " is neither an instant nor a duration",
            "write e.g. 2026-12-01T20:00:00Z, or 30m, 2h, 7d for that long ago");
      }
    }
  }
}

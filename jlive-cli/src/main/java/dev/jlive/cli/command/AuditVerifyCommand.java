package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.audit.AuditChain;
import dev.jlive.protocol.audit.AuditVerdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "verify",
    description = {
      "Checks the audit log's hash chain from the first record to the head: OK with the count,",
      "or exit 10 naming the first record edited or missing. With --file, checks an export",
      "(`jlive audit --json`) instead, without a controller."
    })
public final class AuditVerifyCommand extends ControllerClientCommand {
  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "An export made with `jlive audit --json` (JSON lines).")
  Path file;

  @Override
  public Integer call() {
    AuditVerdict verdict =
        file != null
            ? verifyFile(file)
            : AuditVerdict.fromWire(controller().get(FleetApi.AUDIT_VERIFY, Map.of()));
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(verdict.toJson());
    } else if (verdict.ok()) {
      printer.line(
          "audit log OK: "
              + verdict.checked()
              + " records, the chain holds; last record "
              + verdict.lastSequence()
              + " sha256 "
              + verdict.lastHash());
    } else {
      printer.line(
          "audit log BROKEN"
              + (verdict.badSequence() == null ? "" : " at record " + verdict.badSequence())
              + ": "
              + verdict.problem());
      printer.line(
          "  records before it hold ("
              + verdict.checked()
              + " checked, last good record "
              + verdict.lastSequence()
              + ")");
    }
    return verdict.ok() ? ExitCode.OK : ExitCode.AUDIT_BROKEN;
  }

  /**
   * Walks an export. One made with --since starts after record 1: it is checked from its first
   * record on, whose link to the records before cannot be checked here. One made with --service has
   * gaps, and fails at the first.
   */
  static AuditVerdict verifyFile(Path file) {
    AuditChain.Walk walk = null;
    int lineNumber = 0;
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        Map<String, Object> record = Json.parseObject(line);
        long sequence = record.get("seq") instanceof Number n ? n.longValue() : -1;
        if (walk == null) {
          walk =
              AuditChain.Walk.after(
                  sequence - 1, record.get("previous") instanceof String p ? p : "");
        }
        if (!walk.next(sequence, record)) {
          break;
        }
      }
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE, "USAGE", "cannot read " + file + ": " + e, "check the path");
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          file + " line " + lineNumber + " is not a JSON object: " + e.getMessage(),
          "give a file written by `jlive audit --json`");
    }
    return (walk == null ? AuditChain.Walk.after(0, AuditChain.GENESIS) : walk).verdict(null, null);
  }
}

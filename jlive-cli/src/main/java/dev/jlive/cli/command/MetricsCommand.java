package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.metrics.CallerPath;
import dev.jlive.protocol.metrics.LatencySnapshot;
import dev.jlive.protocol.metrics.MetricsAnswer;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.metrics.ProcessProbeMetrics;
import dev.jlive.protocol.metrics.ServiceMetrics;
import dev.jlive.protocol.metrics.ServiceProbeMetrics;
import dev.jlive.protocol.probe.ProbeList;
import dev.jlive.protocol.probe.ProbeState;
import dev.jlive.protocol.probe.ProbeStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "metrics",
    description = {
      "Show what probes counted: calls, exceptions by type, latency percentiles, call paths.",
      "With --service NAME: merged over every process of the service (percentiles from the summed histograms),",
      "and with --per-process one row per process too."
    })
public final class MetricsCommand extends ServiceCommand {
  @Parameters(
      arity = "0..2",
      paramLabel = "[PID] [ID]",
      description =
          "The JVM's process id (unless --host or --service) and optionally a probe (or change) id.")
  List<String> positionals;

  @Option(
      names = "--per-process",
      description = "With --service: also one row per process and change.")
  boolean perProcess;

  @Override
  public Integer call() {
    if (onService()) {
      return serviceMetrics();
    }
    refuseFleetOptions(null, null, null);
    if (perProcess) {
      throw new CliException(
          ExitCode.USAGE, "USAGE", "--per-process only goes with --service NAME", "");
    }
    Connected connected = connectWithOptionalId(positionals);
    Map<String, String> query = new HashMap<>();
    query.put("probe", connected.optionalId());
    Map<String, Object> answer = connected.client().get(Api.PROBE_METRICS, query);
    List<ProbeMetrics> probes = MetricsAnswer.fromWire(answer).probes();
    Printer printer = printer();
    if (printer.isJson()) {
      // As the agent sent it: a newer agent's fields reach scripts too.
      printer.json(answer);
      return 0;
    }
    // The metrics do not say whether a probe still counts; the probe list does.
    Map<String, ProbeStatus> statuses = new HashMap<>();
    for (ProbeStatus status :
        ProbeList.fromWire(connected.client().get(Api.PROBES, Map.of())).probes()) {
      statuses.put(status.id(), status);
    }
    List<List<String>> rows = new ArrayList<>();
    for (ProbeMetrics probe : probes) {
      LatencySnapshot latency = probe.latency();
      ProbeStatus status = statuses.get(probe.id());
      rows.add(
          List.of(
              probe.id(),
              probe.kind(),
              status == null ? "" : JsonObject.wireName(status.state()),
              Long.toString(probe.calls()),
              latency == null ? "" : latency.p50Millis() + "",
              latency == null ? "" : latency.p90Millis() + "",
              latency == null ? "" : latency.p99Millis() + "",
              latency == null ? "" : latency.maxMillis() + "",
              exceptions(probe.exceptions()),
              probe.selector()));
    }
    if (rows.isEmpty()) {
      printer.line("no probes");
      return 0;
    }
    printer.table(
        List.of(
            "ID",
            "KIND",
            "STATE",
            "CALLS",
            "P50 ms",
            "P90 ms",
            "P99 ms",
            "MAX ms",
            "EXCEPTIONS",
            "SELECTOR"),
        rows);
    for (ProbeMetrics probe : probes) {
      ProbeStatus status = statuses.get(probe.id());
      if (status != null && status.state() == ProbeState.DISABLED) {
        printer.line(
            probe.id() + " is off, its figures stopped when it turned off: " + status.reason());
      }
    }
    for (ProbeMetrics probe : probes) {
      callPaths(
          printer,
          probe.callers(),
          "call paths into "
              + probe.selector()
              + " ("
              + probe.id()
              + ")"
              + sampledPaths(statuses.get(probe.id()))
              + ":");
    }
    for (ProbeMetrics probe : probes) {
      PartsTable.print(printer, probe, statuses.get(probe.id()));
    }
    return 0;
  }

  private int serviceMetrics() {
    List<String> args = serviceArgs(positionals, 0, 1, "[ID]");
    String service = fleet.service();
    Map<String, String> query = new HashMap<>();
    query.put("change", args.isEmpty() ? null : args.get(0));
    Map<String, Object> answer = controller().get(FleetApi.metrics(service), query);
    ServiceMetrics metrics = ServiceMetrics.fromWire(answer);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    if (metrics.merged().isEmpty()) {
      printer.line("no probe metrics in service " + service);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ServiceProbeMetrics entry : metrics.merged()) {
      List<String> row = new ArrayList<>(List.of(entry.change(), Rollout.text(entry.kind())));
      row.addAll(numbers(entry.calls(), entry.latency(), entry.exceptions()));
      row.add(exceptions(entry.exceptions()));
      row.add(Rollout.text(entry.selector()));
      rows.add(row);
    }
    printer.table(
        List.of(
            "CHANGE",
            "KIND",
            "CALLS",
            "ERRORS",
            "P50 ms",
            "P90 ms",
            "P99 ms",
            "MAX ms",
            "EXCEPTIONS",
            "SELECTOR"),
        rows);
    if (perProcess) {
      List<List<String>> processRows = new ArrayList<>();
      for (ProcessProbeMetrics process : metrics.processes()) {
        ProbeMetrics probe = process.metrics();
        List<String> row =
            new ArrayList<>(
                List.of(
                    process.process(),
                    Rollout.text(process.host()),
                    Rollout.text(process.pid()),
                    process.change()));
        row.addAll(numbers(probe.calls(), probe.latency(), probe.exceptions()));
        processRows.add(row);
      }
      printer.line("");
      printer.table(
          List.of(
              "PROCESS", "HOST", "PID", "CHANGE", "CALLS", "ERRORS", "P50 ms", "P90 ms", "P99 ms",
              "MAX ms"),
          processRows);
    }
    for (ServiceProbeMetrics entry : metrics.merged()) {
      callPaths(
          printer,
          entry.callers(),
          "call paths into " + entry.selector() + " (" + entry.change() + "), all processes:");
    }
    return 0;
  }

  /**
   * What a callers probe's counts rest on: a probe that walks the stack of a sample of calls weighs
   * each walk, and says so.
   */
  private static String sampledPaths(ProbeStatus status) {
    Object sample = status == null ? null : status.spec().get("sampleOneIn");
    if (!(sample instanceof Number oneIn) || oneIn.longValue() <= 1) {
      return "";
    }
    return ", estimated from each thread's first 256 calls, then 1 in "
        + oneIn.longValue()
        + " (--sample N to change)";
  }

  private static void callPaths(Printer printer, List<CallerPath> callers, String title) {
    if (callers == null || callers.isEmpty()) {
      return;
    }
    printer.line("");
    printer.line(title);
    List<List<String>> paths = new ArrayList<>();
    for (CallerPath path : callers) {
      paths.add(List.of(Long.toString(path.calls()), path.path()));
    }
    printer.table(List.of("CALLS", "PATH (caller <- its caller ...)"), paths);
  }

  /**
   * CALLS, ERRORS (the calls that threw: the sum of exceptions by type, metrics probes only), P50,
   * P90, P99, MAX.
   */
  static List<String> numbers(long calls, LatencySnapshot latency, Map<String, Long> exceptions) {
    String errors =
        exceptions == null
            ? ""
            : Long.toString(exceptions.values().stream().mapToLong(Long::longValue).sum());
    return List.of(
        Long.toString(calls),
        errors,
        latency == null ? "" : Rollout.text(latency.p50Millis()),
        latency == null ? "" : Rollout.text(latency.p90Millis()),
        latency == null ? "" : Rollout.text(latency.p99Millis()),
        latency == null ? "" : Rollout.text(latency.maxMillis()));
  }

  private static String exceptions(Map<String, Long> exceptions) {
    return exceptions == null || exceptions.isEmpty() ? "" : exceptions.toString();
  }
}

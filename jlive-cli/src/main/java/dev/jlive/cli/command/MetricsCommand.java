package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "metrics", description = {"Show what probes counted: calls, exceptions by type, latency percentiles, call paths.",
    "With --service NAME: merged over every process of the service (percentiles from the summed histograms),",
    "and with --per-process one row per process too."})
public final class MetricsCommand extends ServiceCommand {
  @Parameters(arity = "0..2", paramLabel = "[PID] [ID]", description = "The JVM's process id (unless --host or --service) and optionally a probe (or change) id.")
  List<String> positionals;

  @Option(names = "--per-process", description = "With --service: also one row per process and change.")
  boolean perProcess;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    if (onService()) {
      return serviceMetrics();
    }
    refuseFleetOptions(null, null, null);
    if (perProcess) {
      throw new CliException(ExitCode.USAGE, "USAGE", "--per-process only goes with --service NAME", "");
    }
    Connected connected = connectWithOptionalId(positionals);
    Map<String, String> query = new HashMap<>();
    query.put("probe", connected.optionalId());
    Map<String, Object> answer = connected.client().get(Api.PROBE_METRICS, query);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<Map<String, Object>> probes = (List<Map<String, Object>>) answer.get("probes");
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> probe : probes) {
      Map<String, Object> latency = (Map<String, Object>) probe.get("latency");
      Map<String, Object> exceptions = (Map<String, Object>) probe.get("exceptions");
      rows.add(List.of(String.valueOf(probe.get("id")), String.valueOf(probe.get("kind")), String.valueOf(probe.get("calls")),
          latency == null ? "" : latency.get("p50Millis") + "", latency == null ? "" : latency.get("p90Millis") + "",
          latency == null ? "" : latency.get("p99Millis") + "", latency == null ? "" : latency.get("maxMillis") + "",
          exceptions == null || exceptions.isEmpty() ? "" : exceptions.toString(), String.valueOf(probe.get("selector"))));
    }
    if (rows.isEmpty()) {
      printer.line("no probes");
      return 0;
    }
    printer.table(List.of("ID", "KIND", "CALLS", "P50 ms", "P90 ms", "P99 ms", "MAX ms", "EXCEPTIONS", "SELECTOR"), rows);
    for (Map<String, Object> probe : probes) {
      List<Map<String, Object>> callers = (List<Map<String, Object>>) probe.get("callers");
      if (callers != null && !callers.isEmpty()) {
        printer.line("");
        printer.line("call paths into " + probe.get("selector") + " (" + probe.get("id") + "):");
        List<List<String>> paths = new ArrayList<>();
        for (Map<String, Object> path : callers) {
          paths.add(List.of(String.valueOf(path.get("calls")), String.valueOf(path.get("path"))));
        }
        printer.table(List.of("CALLS", "PATH (caller <- its caller ...)"), paths);
      }
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private int serviceMetrics() {
    List<String> args = serviceArgs(positionals, 0, 1, "[ID]");
    String service = fleet.service();
    Map<String, String> query = new HashMap<>();
    query.put("change", args.isEmpty() ? null : args.get(0));
    Map<String, Object> answer = controller().get(FleetApi.metrics(service), query);
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    List<Map<String, Object>> merged = list(answer.get("merged"));
    if (merged.isEmpty()) {
      printer.line("no probe metrics in service " + service);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> entry : merged) {
      List<String> row = new ArrayList<>(List.of(changeId(entry), Rollout.text(entry.get("kind"))));
      row.addAll(numbers(entry));
      row.add(exceptions(entry));
      row.add(Rollout.text(entry.get("selector")));
      rows.add(row);
    }
    printer.table(List.of("CHANGE", "KIND", "CALLS", "ERRORS", "P50 ms", "P90 ms", "P99 ms", "MAX ms", "EXCEPTIONS", "SELECTOR"), rows);
    if (perProcess) {
      List<List<String>> processRows = new ArrayList<>();
      for (Map<String, Object> process : list(answer.get("processes"))) {
        // Either one row per process and change, or a process with the list of its probes' metrics.
        List<Map<String, Object>> entries = process.get("metrics") instanceof List<?> ? list(process.get("metrics")) : List.of(process);
        for (Map<String, Object> entry : entries) {
          List<String> row = new ArrayList<>(List.of(Rollout.text(process.get("process")), Rollout.text(process.get("host")),
              Rollout.text(process.get("pid")), changeId(entry)));
          row.addAll(numbers(entry));
          processRows.add(row);
        }
      }
      printer.line("");
      printer.table(List.of("PROCESS", "HOST", "PID", "CHANGE", "CALLS", "ERRORS", "P50 ms", "P90 ms", "P99 ms", "MAX ms"), processRows);
    }
    for (Map<String, Object> entry : merged) {
      List<Map<String, Object>> callers = list(entry.get("callers"));
      if (!callers.isEmpty()) {
        printer.line("");
        printer.line("call paths into " + entry.get("selector") + " (" + changeId(entry) + "), all processes:");
        List<List<String>> paths = new ArrayList<>();
        for (Map<String, Object> path : callers) {
          paths.add(List.of(String.valueOf(path.get("calls")), String.valueOf(path.get("path"))));
        }
        printer.table(List.of("CALLS", "PATH (caller <- its caller ...)"), paths);
      }
    }
    return 0;
  }

  /** The change a metrics entry belongs to: "change" at the controller, "id" as the agent names its probe. */
  private static String changeId(Map<String, Object> entry) {
    return Rollout.text(entry.get("change") != null ? entry.get("change") : entry.get("id"));
  }

  /** CALLS, ERRORS, P50, P90, P99, MAX. */
  @SuppressWarnings("unchecked")
  static List<String> numbers(Map<String, Object> entry) {
    Map<String, Object> latency = entry.get("latency") instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    return List.of(Rollout.text(entry.get("calls")), errors(entry),
        latency == null ? "" : Rollout.text(latency.get("p50Millis")), latency == null ? "" : Rollout.text(latency.get("p90Millis")),
        latency == null ? "" : Rollout.text(latency.get("p99Millis")), latency == null ? "" : Rollout.text(latency.get("maxMillis")));
  }

  /** The calls that threw: "errors" if the entry has it, else the sum of exceptions by type (metrics probes only). */
  static String errors(Map<String, Object> entry) {
    if (entry.get("errors") != null) {
      return Rollout.text(entry.get("errors"));
    }
    if (!(entry.get("exceptions") instanceof Map<?, ?> exceptions)) {
      return "";
    }
    long sum = 0;
    for (Object count : exceptions.values()) {
      sum += count instanceof Number number ? number.longValue() : 0;
    }
    return Long.toString(sum);
  }

  private static String exceptions(Map<String, Object> entry) {
    return entry.get("exceptions") instanceof Map<?, ?> exceptions && !exceptions.isEmpty() ? exceptions.toString() : "";
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return value instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }
}

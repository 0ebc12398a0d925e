package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "metrics", description = "Show what probes counted: calls, exceptions by type, latency percentiles, call paths.")
public final class MetricsCommand extends AgentCommand {
  @Parameters(arity = "0..2", paramLabel = "[PID] [ID]", description = "The JVM's process id (unless --host) and optionally a probe id.")
  List<String> positionals;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
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
}

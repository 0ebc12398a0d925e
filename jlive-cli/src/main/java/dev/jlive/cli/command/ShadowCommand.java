package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "shadow",
    description = {
      "Report a shadow run (`jlive patch PID X.java --shadow`): calls compared, equal, expected and unexpected",
      "differences with examples, the noisy parts of results left out, the candidate's exceptions, and its latency",
      "beside the original's. Without an id, lists the shadows.",
      "With --service NAME ID: the shadow change's report merged over every process of the service (examples",
      "name the process they came from), then each process's figures."
    })
public final class ShadowCommand extends ServiceCommand {
  @Parameters(
      arity = "0..2",
      paramLabel = "[PID] [ID]",
      description = "The JVM's process id (unless --host) and the shadow's id.")
  List<String> positionals;

  @Override
  public Integer call() {
    if (onService()) {
      return serviceReport(serviceArgs(positionals, 1, 1, "ID").get(0));
    }
    Connected connected = connectWithOptionalId(positionals);
    String id = connected.optionalId();
    Printer printer = printer();
    if (id == null) {
      Map<String, Object> answer = connected.client().get(Api.SHADOWS, Map.of());
      if (printer.isJson()) {
        printer.json(answer);
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Object item : (List<?>) answer.get("shadows")) {
        Map<?, ?> shadow = (Map<?, ?>) item;
        rows.add(
            List.of(
                String.valueOf(shadow.get("id")),
                String.valueOf(shadow.get("state")),
                String.valueOf(shadow.get("methods")),
                String.valueOf(shadow.get("compared")),
                String.valueOf(shadow.get("unexpectedDifferences"))));
      }
      printer.table(List.of("ID", "STATE", "METHODS", "COMPARED", "UNEXPECTED"), rows);
      return 0;
    }
    Map<String, Object> report = connected.client().get(Api.SHADOWS, Map.of("id", id));
    if (printer.isJson()) {
      printer.json(report);
      return 0;
    }
    print(report, printer);
    return 0;
  }

  /** The merged report of a shadow change of a service, then one line per process. */
  private int serviceReport(String id) {
    String service = fleet.service();
    Map<String, Object> answer = controller().get(FleetApi.shadow(service, id), Map.of());
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
      return 0;
    }
    if (!(answer.get("merged") instanceof Map<?, ?> merged)) {
      printer.line("shadow " + id + " of " + service + ": no process has reported it yet");
      return 0;
    }
    printer.line("shadow " + id + " of " + service + ", merged over its processes:");
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) merged;
    print(report, printer);
    List<List<String>> rows = new ArrayList<>();
    if (answer.get("processes") instanceof Map<?, ?> processes) {
      processes.forEach(
          (process, item) -> {
            Map<?, ?> one = (Map<?, ?>) item;
            rows.add(
                List.of(
                    String.valueOf(process),
                    String.valueOf(one.get("state")),
                    String.valueOf(one.get("compared")),
                    String.valueOf(one.get("equal")),
                    String.valueOf(one.get("expectedDifferences")),
                    String.valueOf(one.get("unexpectedDifferences")),
                    String.valueOf(one.get("candidateExceptions"))));
          });
    }
    printer.table(
        List.of("PROCESS", "STATE", "COMPARED", "EQUAL", "EXPECTED", "UNEXPECTED", "EXCEPTIONS"),
        rows);
    return 0;
  }

  private static void print(Map<String, Object> report, Printer printer) {
    printer.line(
        "shadow "
            + report.get("id")
            + " ("
            + report.get("state")
            + (report.get("endedWhy") == null ? "" : ": " + report.get("endedWhy"))
            + ") on "
            + report.get("methods")
            + ", 1 call in "
            + report.get("sampleEvery")
            + (report.get("expect") == null ? "" : ", expect " + report.get("expect")));
    printer.line(
        String.format(
            Locale.ROOT,
            "compared %s calls: %s equal, %s expected differences, %s unexpected differences"
                + " (%s sampled, %s dropped by the budget)",
            report.get("compared"),
            report.get("equal"),
            report.get("expectedDifferences"),
            report.get("unexpectedDifferences"),
            report.get("sampled"),
            report.get("dropped")));
    printer.line(
        "noise: "
            + report.get("noiseRuns")
            + " second runs of the old code; noisy paths left out: "
            + report.get("noisyPaths"));
    printer.line(
        String.format(
            Locale.ROOT,
            "latency: original %.1f µs mean (max %.1f), candidate %.1f µs mean (max %.1f)",
            number(report.get("originalMeanMicros")),
            number(report.get("originalMaxMicros")),
            number(report.get("candidateMeanMicros")),
            number(report.get("candidateMaxMicros"))));
    printer.line("candidate exceptions: " + report.get("candidateExceptions"));
    for (Object example : list(report.get("exceptionExamples"))) {
      printer.line("  " + example);
    }
    if (!"0".equals(String.valueOf(report.get("failures")))) {
      printer.line(
          "runs jlive could not make: "
              + report.get("failures")
              + " ("
              + report.get("lastFailure")
              + ")");
    }
    for (Object item : list(report.get("examples"))) {
      Map<?, ?> example = (Map<?, ?>) item;
      printer.line(
          (Boolean.TRUE.equals(example.get("expected")) ? "expected" : "UNEXPECTED")
              + " difference in "
              + example.get("calls")
              + " call(s)"
              + (example.get("process") == null ? "" : " (first on " + example.get("process") + ")")
              + " at "
              + example.get("paths")
              + ", e.g. "
              + example.get("method")
              + " with "
              + example.get("arguments")
              + ": original "
              + example.get("original")
              + ", candidate "
              + example.get("candidate"));
    }
  }

  private static double number(Object value) {
    return value instanceof Number number ? number.doubleValue() : 0;
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> items ? items : List.of();
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
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
      "beside the original's. Without an id, lists the shadows."
    })
public final class ShadowCommand extends AgentCommand {
  @Parameters(
      arity = "0..2",
      paramLabel = "[PID] [ID]",
      description = "The JVM's process id (unless --host) and the shadow's id.")
  List<String> positionals;

  @Override
  public Integer call() {
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
              + " call(s) at "
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

package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * After a change was sent to (or taken back from) a service: waits until every process reports a
 * final state, or the time-out passes, then prints one row per process and a summary line.
 * Exit code {@link ExitCode#OK} only if every process reached the wanted state, else {@link ExitCode#PARTIAL}.
 */
final class Rollout {
  /** How often the change is asked about while processes report; tests make it short. */
  static volatile long pollMillis = 500;

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** What the command wants every process to reach. */
  enum Goal {
    APPLY("applied", Set.of("applied", "failed", "reverted", "unreachable")),
    /** While a revert goes out, a process still "applied" has not reported it yet. */
    REVERT("reverted", Set.of("reverted", "failed", "unreachable"));

    final String wanted;
    final Set<String> finalStates;

    Goal(String wanted, Set<String> finalStates) {
      this.wanted = wanted;
      this.finalStates = finalStates;
    }
  }

  /** How the processes stand: whether all are done, whether all reached the goal, and in words. */
  record Outcome(boolean complete, boolean ok, String summary) {}

  private Rollout() {}

  /** Sends a new change (probe or patch) to a service, waits for its processes and reports. */
  static int send(ControllerClient client, String service, Map<String, Object> change, Duration timeout, Printer printer) {
    Map<String, Object> answer = client.post(FleetApi.changes(service), change);
    Map<String, Object> sent = changeOf(answer);
    String id = String.valueOf(sent.get("id"));
    if (!printer.isJson()) {
      if (Boolean.FALSE.equals(answer.get("created"))) {
        printer.line("change " + id + " was already active on service " + service + " (sent twice, applied once): " + describe(sent));
      } else {
        printer.line("change " + id + " sent to service " + service + ": " + describe(sent));
      }
    }
    return await(client, service, answer, Goal.APPLY, timeout, printer);
  }

  /** Takes a change back on every process of a service, waits for them and reports. */
  static int revert(ControllerClient client, String service, String id, Duration timeout, Printer printer) {
    Map<String, Object> answer = client.delete(FleetApi.change(service, ControllerClient.segment(id)));
    Map<String, Object> change = changeOf(answer);
    if (!printer.isJson()) {
      printer.line("reverting change " + change.get("id") + " on service " + service + ": " + describe(change));
    }
    return await(client, service, answer, Goal.REVERT, timeout, printer);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> changeOf(Map<String, Object> answer) {
    if (answer.get("change") instanceof Map<?, ?> change && change.get("id") != null) {
      return (Map<String, Object>) change;
    }
    throw new CliException(ExitCode.AGENT_ERROR, "INTERNAL_ERROR", "the controller answered without a change id: "
        + Json.write(answer), "is the controller of the same jlive version as this CLI?");
  }

  /** A change in a few words: what it does, and where if it is limited by labels. */
  @SuppressWarnings("unchecked")
  static String describe(Map<String, Object> change) {
    if (change.get("description") != null) {
      return String.valueOf(change.get("description"));
    }
    Map<String, Object> spec = change.get("spec") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    StringBuilder text = new StringBuilder();
    if ("probe".equals(change.get("kind"))) {
      text.append(spec.get("kind")).append(" probe on ").append(spec.get("selector"));
      if (spec.get("template") != null) {
        text.append(" '").append(spec.get("template")).append('\'');
      }
    } else if ("patch".equals(change.get("kind"))) {
      text.append("patch of ");
      if (spec.get("method") != null) {
        text.append(spec.get("method"));
      } else if (spec.get("sources") instanceof List<?> sources) {
        List<String> names = new ArrayList<>();
        sources.forEach(source -> names.add(String.valueOf(((Map<String, Object>) source).get("name"))));
        text.append(String.join(", ", names));
      } else if (spec.get("classFiles") instanceof List<?> files) {
        text.append(files.size()).append(files.size() == 1 ? " class file" : " class files");
      } else {
        text.append("?");
      }
    } else {
      text.append(change.get("kind"));
    }
    if (change.get("where") instanceof Map<?, ?> where && !where.isEmpty()) {
      text.append(" where ").append(labels(where));
    }
    return text.toString();
  }

  /** Labels as {@code k=v,k2=v2}. */
  static String labels(Object labels) {
    if (!(labels instanceof Map<?, ?> map)) {
      return text(labels);
    }
    List<String> pairs = new ArrayList<>();
    map.forEach((key, value) -> pairs.add(key + "=" + value));
    return String.join(",", pairs);
  }

  /** Judges the per-process results of a change against the goal, after waiting up to {@code timeout}. */
  static Outcome judge(List<Map<String, Object>> results, Goal goal, Duration timeout) {
    Map<String, Integer> byState = new LinkedHashMap<>();
    for (String state : List.of(goal.wanted, "failed", "unreachable", "waiting", "pending", "applied", "reverted")) {
      byState.put(state, 0);
    }
    boolean complete = true;
    for (Map<String, Object> result : results) {
      String state = String.valueOf(result.get("state"));
      byState.merge(state, 1, Integer::sum);
      complete &= goal.finalStates.contains(state);
    }
    int total = results.size();
    int reached = byState.get(goal.wanted);
    if (total == 0) {
      return goal == Goal.APPLY
          ? new Outcome(true, false, "no live process of the service matches the change; it applies to matching processes when they register")
          : new Outcome(true, true, "no live process had the change");
    }
    StringBuilder summary = new StringBuilder(goal.wanted + " on " + reached + " of " + total + (total == 1 ? " process" : " processes"));
    byState.forEach((state, count) -> {
      if (count > 0 && !state.equals(goal.wanted)) {
        summary.append("; ").append(count).append(' ').append(describe(state, goal));
      }
    });
    if (!complete) {
      summary.append(" (stopped waiting after ").append(Durations.format(timeout)).append(')');
    }
    return new Outcome(complete, reached == total, summary.toString());
  }

  private static String describe(String state, Goal goal) {
    switch (state) {
      case "waiting":
        return "still waiting for a safe point";
      case "pending":
        return "not reported yet";
      case "applied":
        return goal == Goal.REVERT ? "still applied" : "applied";
      default:
        return state;
    }
  }

  /**
   * Polls the change until every process is done or the time-out passes, prints the outcome and
   * returns the exit code. {@code sent} is the controller's answer to the POST or DELETE.
   */
  @SuppressWarnings("unchecked")
  static int await(ControllerClient client, String service, Map<String, Object> sent, Goal goal, Duration timeout, Printer printer) {
    Map<String, Object> change = (Map<String, Object>) sent.get("change");
    String id = String.valueOf(change.get("id"));
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean noted = false;
    Map<String, Object> answer;
    Outcome outcome;
    while (true) {
      answer = client.get(FleetApi.change(service, ControllerClient.segment(id)), Map.of());
      outcome = judge(results(answer), goal, timeout);
      long remaining = deadline - System.nanoTime();
      if (outcome.complete() || remaining <= 0) {
        break;
      }
      if (!noted && !printer.isJson()) {
        printer.note("waiting up to " + Durations.format(timeout) + " for " + results(answer).size() + " process(es) to report ...");
        noted = true;
      }
      sleep(Math.min(pollMillis, Duration.ofNanos(remaining).toMillis() + 1));
    }
    if (printer.isJson()) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("change", answer.get("change") != null ? answer.get("change") : change);
      if (sent.containsKey("created")) {
        document.put("created", sent.get("created"));
      }
      document.put("results", results(answer));
      document.put("wanted", goal.wanted);
      document.put("complete", outcome.complete());
      document.put("ok", outcome.ok());
      document.put("summary", outcome.summary());
      printer.json(document);
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (Map<String, Object> result : results(answer)) {
        rows.add(List.of(text(result.get("process")), text(result.get("host")), text(result.get("pid")),
            text(result.get("state")), text(result.get("message"))));
      }
      if (!rows.isEmpty()) {
        printer.table(List.of("PROCESS", "HOST", "PID", "STATE", "MESSAGE"), rows);
      }
      printer.line(outcome.summary());
    }
    return outcome.ok() ? ExitCode.OK : ExitCode.PARTIAL;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> results(Map<String, Object> answer) {
    Object results = answer.get("results");
    return results instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.ERROR, "INTERRUPTED", "interrupted while waiting for the service's processes", "");
    }
  }
}

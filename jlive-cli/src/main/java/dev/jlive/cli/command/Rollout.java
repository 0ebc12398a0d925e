package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeAnswer;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeStatus;
import dev.jlive.protocol.change.ProcessResult;
import dev.jlive.protocol.change.ProcessState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * After a change was sent to (or taken back from) a service: waits until every process reports a
 * final state, or the time-out passes, then prints one row per process and a summary line. Exit
 * code {@link ExitCode#OK} only if every process reached the wanted state, else {@link
 * ExitCode#PARTIAL}.
 */
final class Rollout {
  /** How often the change is asked about while processes report; tests make it short. */
  static volatile long pollMillis = 500;

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** What the command wants every process to reach. */
  enum Goal {
    APPLY(
        ProcessState.APPLIED,
        Set.of(
            ProcessState.APPLIED,
            ProcessState.FAILED,
            ProcessState.REVERTED,
            ProcessState.UNREACHABLE)),
    /** While a revert goes out, a process still "applied" has not reported it yet. */
    REVERT(
        ProcessState.REVERTED,
        Set.of(ProcessState.REVERTED, ProcessState.FAILED, ProcessState.UNREACHABLE));

    final ProcessState wanted;
    final Set<ProcessState> finalStates;

    Goal(ProcessState wanted, Set<ProcessState> finalStates) {
      this.wanted = wanted;
      this.finalStates = finalStates;
    }
  }

  /** How the processes stand: whether all are done, whether all reached the goal, and in words. */
  record Outcome(boolean complete, boolean ok, String summary) {}

  private Rollout() {}

  /** Sends a new change (probe or patch) to a service, waits for its processes and reports. */
  static int send(
      ControllerClient client,
      String service,
      Map<String, Object> change,
      Duration timeout,
      Printer printer) {
    return follow(
        client,
        service,
        client.addChange(service, change),
        change.get("rollout") != null,
        timeout,
        printer);
  }

  /**
   * Reports a change the controller just made (sent, or made of a promoted shadow) and waits for
   * its processes.
   */
  static int follow(
      ControllerClient client,
      String service,
      ChangeAnswer answer,
      boolean staged,
      Duration timeout,
      Printer printer) {
    Change sent = answer.change();
    if (sent.isProposed()) {
      return proposed(answer, service, printer);
    }
    if (staged) {
      return staged(answer, service, printer);
    }
    if (!printer.isJson()) {
      if (Boolean.FALSE.equals(answer.created())) {
        printer.line(
            "change "
                + sent.id()
                + " was already active on service "
                + service
                + " (sent twice, applied once): "
                + describe(sent));
      } else {
        printer.line("change " + sent.id() + " sent to service " + service + ": " + describe(sent));
      }
    }
    return await(client, service, answer, Goal.APPLY, timeout, printer);
  }

  /**
   * The service's policy asks for approvals: the change is stored but sent to no process yet, so
   * there is nothing to wait for.
   */
  private static int proposed(ChangeAnswer answer, String service, Printer printer) {
    Change change = answer.change();
    int missing = Math.max(0, change.required() - change.approvalCount());
    String next =
        "another user approves it with `jlive approve "
            + service
            + " "
            + change.id()
            + "`; `jlive approvals --service "
            + service
            + "` shows it with its diff";
    if (printer.isJson()) {
      printer.json(
          JsonObject.create()
              .put("change", change)
              .put("created", answer.created())
              .put("results", List.of())
              .put("complete", true)
              .put("ok", true)
              .put("summary", "proposed; waits for " + missing + " approval(s): " + next)
              .toMap());
    } else {
      printer.line(
          "change "
              + change.id()
              + (Boolean.FALSE.equals(answer.created()) ? " was already proposed" : " proposed")
              + " for service "
              + service
              + ": "
              + describe(change));
      printer.line(
          "no process receives it until "
              + missing
              + " more approval(s) by someone other than "
              + change.author()
              + ": "
              + next);
    }
    return ExitCode.OK;
  }

  /**
   * The change goes out in waves, driven by the controller: nothing to wait for here; the rollout's
   * status shows each wave.
   */
  private static int staged(ChangeAnswer answer, String service, Printer printer) {
    Change change = answer.change();
    String next = "`jlive rollout status " + service + " " + change.id() + "` shows its waves";
    if (printer.isJson()) {
      printer.json(
          JsonObject.create()
              .put("change", change)
              .put("created", answer.created())
              .put("results", List.of())
              .put("complete", true)
              .put("ok", true)
              .put("summary", "rolling out in waves: " + next)
              .toMap());
    } else {
      printer.line(
          "change "
              + change.id()
              + (Boolean.FALSE.equals(answer.created()) ? " was already active" : " rolling out")
              + " to service "
              + service
              + " in waves: "
              + describe(change));
      printer.line(next);
    }
    return ExitCode.OK;
  }

  /** Takes a change back on every process of a service, waits for them and reports. */
  static int revert(
      ControllerClient client, String service, String id, Duration timeout, Printer printer) {
    ChangeAnswer answer = client.revertChange(service, id);
    if (!printer.isJson()) {
      printer.line(
          "reverting change "
              + answer.change().id()
              + " on service "
              + service
              + ": "
              + describe(answer.change()));
    }
    return await(client, service, answer, Goal.REVERT, timeout, printer);
  }

  static String describe(Change change) {
    return describe(change.toJson());
  }

  /** A change in a few words: what it does, and where if it is limited by labels. */
  @SuppressWarnings("unchecked")
  static String describe(Map<String, Object> change) {
    if (change.get("description") != null) {
      return String.valueOf(change.get("description"));
    }
    Map<String, Object> spec =
        change.get("spec") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    StringBuilder text = new StringBuilder();
    if (JsonObject.wireName(ChangeKind.PROBE).equals(change.get("kind"))) {
      text.append(spec.get("kind")).append(" probe on ").append(spec.get("selector"));
      if (spec.get("template") != null) {
        text.append(" '").append(spec.get("template")).append('\'');
      }
    } else if (JsonObject.wireName(ChangeKind.PATCH).equals(change.get("kind"))) {
      text.append("patch of ");
      if (spec.get("method") != null) {
        text.append(spec.get("method"));
      } else if (spec.get("sources") instanceof List<?> sources) {
        List<String> names = new ArrayList<>();
        sources.forEach(
            source -> names.add(String.valueOf(((Map<String, Object>) source).get("name"))));
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

  /**
   * Judges the per-process results of a change against the goal, after waiting up to {@code
   * timeout}.
   */
  static Outcome judge(List<ProcessResult> results, Goal goal, Duration timeout) {
    // A tally, not a message: ordered as the summary names the states, the wanted one first.
    Map<ProcessState, Integer> byState = new LinkedHashMap<>();
    for (ProcessState state :
        List.of(
            goal.wanted,
            ProcessState.FAILED,
            ProcessState.UNREACHABLE,
            ProcessState.WAITING,
            ProcessState.PENDING,
            ProcessState.APPLIED,
            ProcessState.REVERTED)) {
      byState.put(state, 0);
    }
    boolean complete = true;
    for (ProcessResult result : results) {
      byState.merge(result.state(), 1, Integer::sum);
      complete &= goal.finalStates.contains(result.state());
    }
    int total = results.size();
    int reached = byState.get(goal.wanted);
    if (total == 0) {
      return goal == Goal.APPLY
          ? new Outcome(
              true,
              false,
              "no live process of the service matches the change; it applies to matching processes when they register")
          : new Outcome(true, true, "no live process had the change");
    }
    StringBuilder summary =
        new StringBuilder(
            JsonObject.wireName(goal.wanted)
                + " on "
                + reached
                + " of "
                + total
                + (total == 1 ? " process" : " processes"));
    byState.forEach(
        (state, count) -> {
          if (count > 0 && !state.equals(goal.wanted)) {
            summary.append("; ").append(count).append(' ').append(describe(state, goal));
          }
        });
    if (!complete) {
      summary.append(" (stopped waiting after ").append(Durations.format(timeout)).append(')');
    }
    return new Outcome(complete, reached == total, summary.toString());
  }

  private static String describe(ProcessState state, Goal goal) {
    return switch (state) {
      case WAITING -> "still waiting for a safe point";
      case PENDING -> "not reported yet";
      case APPLIED -> goal == Goal.REVERT ? "still applied" : "applied";
      default -> JsonObject.wireName(state);
    };
  }

  /**
   * Polls the change until every process is done or the time-out passes, prints the outcome and
   * returns the exit code. {@code sent} is the controller's answer to the POST or DELETE.
   */
  static int await(
      ControllerClient client,
      String service,
      ChangeAnswer sent,
      Goal goal,
      Duration timeout,
      Printer printer) {
    String id = sent.change().id();
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean noted = false;
    ChangeStatus status;
    Outcome outcome;
    while (true) {
      status = client.changeStatus(service, id);
      outcome = judge(status.results(), goal, timeout);
      long remaining = deadline - System.nanoTime();
      if (outcome.complete() || remaining <= 0) {
        break;
      }
      if (!noted && !printer.isJson()) {
        printer.note(
            "waiting up to "
                + Durations.format(timeout)
                + " for "
                + status.results().size()
                + " process(es) to report ...");
        noted = true;
      }
      sleep(Math.min(pollMillis, Duration.ofNanos(remaining).toMillis() + 1));
    }
    if (printer.isJson()) {
      printer.json(
          JsonObject.create()
              .put("change", status.change())
              .put("created", sent.created())
              .put("results", status.results())
              .put("wanted", goal.wanted)
              .put("complete", outcome.complete())
              .put("ok", outcome.ok())
              .put("summary", outcome.summary())
              .toMap());
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (ProcessResult result : status.results()) {
        rows.add(
            List.of(
                result.process(),
                text(result.host()),
                result.pid() > 0 ? Long.toString(result.pid()) : "",
                JsonObject.wireName(result.state()),
                text(result.message())));
      }
      if (!rows.isEmpty()) {
        printer.table(List.of("PROCESS", "HOST", "PID", "STATE", "MESSAGE"), rows);
      }
      printer.line(outcome.summary());
    }
    return outcome.ok() ? ExitCode.OK : ExitCode.PARTIAL;
  }

  static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(
          ExitCode.ERROR,
          "INTERRUPTED",
          "interrupted while waiting for the service's processes",
          "");
    }
  }
}

package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.rollout.RolloutDecision;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.rollout.RolloutState;
import dev.jlive.protocol.rollout.RolloutStatus;
import dev.jlive.protocol.rollout.RolloutWave;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    description = {
      "A rollout: its waves and their processes per state, the control group, the gates' latest",
      "figures (canary against control) and every decision taken."
    })
public final class RolloutStatusCommand extends ControllerClientCommand {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Parameters(index = "1", paramLabel = "ID", description = "The change rolled out (c3).")
  String id;

  @Override
  public Integer call() {
    print(controller().rollout(service, id), printer());
    return 0;
  }

  static void print(RolloutStatus status, Printer printer) {
    if (printer.isJson()) {
      printer.json(status.toJson());
      return;
    }
    RolloutState rollout = status.rollout();
    printer.line(
        "rollout of "
            + rollout.change()
            + " ("
            + RolloutListCommand.wire(rollout.kind())
            + ") on "
            + rollout.service()
            + ": "
            + status(rollout));
    printer.line("plan: " + plan(rollout.plan()));
    if (status.waitingFor() != null) {
      printer.line("waiting for " + status.waitingFor());
    }
    List<List<String>> rows = new ArrayList<>();
    for (int index = 0; index < rollout.waves().size(); index++) {
      RolloutWave wave = rollout.waves().get(index);
      Map<String, Long> states =
          index < status.waveStates().size() ? status.waveStates().get(index) : Map.of();
      List<String> counts = new ArrayList<>();
      states.forEach((state, count) -> counts.add(count + " " + state));
      rows.add(
          List.of(
              Integer.toString(wave.number()),
              wave.value() != null
                  ? rollout.plan().waveBy() + "=" + wave.value()
                  : wave.number() <= rollout.plan().waves().size()
                      ? rollout.plan().waves().get(wave.number() - 1)
                      : "",
              Integer.toString(wave.processes().size()),
              String.join(", ", counts),
              Rollout.text(wave.reachedAt())));
    }
    if (!rows.isEmpty()) {
      printer.table(List.of("WAVE", "OF", "PROCESSES", "STATES", "REACHED"), rows);
    }
    printer.line("control (not reached): " + status.control() + " process(es)");
    if (rollout.verdict() != null) {
      printer.line("gates: " + verdict(rollout.verdict()));
    }
    List<List<String>> history = new ArrayList<>();
    for (RolloutDecision decision : rollout.history()) {
      history.add(
          List.of(
              Rollout.text(decision.at()),
              decision.wave() == 0 ? "" : Integer.toString(decision.wave()),
              decision.decision(),
              Rollout.text(decision.by()),
              Rollout.text(decision.detail())));
    }
    if (!history.isEmpty()) {
      printer.table(List.of("AT", "WAVE", "DECISION", "BY", "DETAIL"), history);
    }
  }

  /** running (wave 2 of 3, baking), rolled back, ... */
  static String status(RolloutState rollout) {
    String status = JsonObject.wireName(rollout.status()).replace('_', ' ');
    if (rollout.status() == RolloutState.Status.RUNNING
        || rollout.status() == RolloutState.Status.PAUSED) {
      status +=
          " (wave "
              + rollout.waves().size()
              + " of "
              + waveCount(rollout)
              + (rollout.step() == null
                  ? ""
                  : ", " + JsonObject.wireName(rollout.step()).replace('_', ' '))
              + ")";
    }
    return status;
  }

  static String waveCount(RolloutState rollout) {
    return rollout.plan().waveBy() != null
        ? "one per " + rollout.plan().waveBy()
        : Integer.toString(rollout.plan().waves().size());
  }

  static String plan(RolloutPlan plan) {
    return (plan.waveBy() != null
            ? "one wave per " + plan.waveBy()
            : "waves " + String.join(", ", plan.waves()))
        + ", bake "
        + Durations.format(Duration.ofMillis(plan.bakeMillis()))
        + (plan.waveTimeoutMillis() > 0
            ? ", wave timeout " + Durations.format(Duration.ofMillis(plan.waveTimeoutMillis()))
            : "")
        + (plan.gates().isEmpty() ? "" : ", gates " + String.join("; ", plan.gates()))
        + ", at least "
        + plan.minCalls()
        + " calls";
  }

  /** The verdict in one line: its outcome, then each gate's figures as the controller gave them. */
  static String verdict(Map<String, Object> verdict) {
    StringBuilder line = new StringBuilder(String.valueOf(verdict.get("outcome")));
    if (verdict.get("results") instanceof List<?> results) {
      for (Object result : results) {
        line.append("; ").append(result instanceof Map<?, ?> ? Json.write(result) : result);
      }
    }
    return line.toString();
  }
}

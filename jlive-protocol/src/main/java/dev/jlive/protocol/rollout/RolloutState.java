package dev.jlive.protocol.rollout;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.change.ChangeKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A change's staged rollout as the controller stores it (its ZooKeeper node) and shows it. Every
 * step is one version-checked write of this record, so a controller that takes over reads exactly
 * where the last one stopped.
 *
 * @param change the change id (also the rollout's id)
 * @param status where the rollout stands
 * @param step within the current wave: applying (waiting for its processes to apply), baking, or
 *     passed (the next wave is due)
 * @param waves the waves reached so far, each with the processes it added
 * @param bakeStartedAt when the current wave's bake started (ISO-8601); null before
 * @param promotedBy a user who asked to skip the rest of the current wave's bake; null otherwise
 * @param autoProbe the metrics probe added for a patch rollout's gates; null for none
 * @param verdict the gates' latest verdict on the current wave, wire form; null before the first
 * @param history every decision, oldest first, each written once
 * @param driver the controller driving it now
 */
public record RolloutState(
    String service,
    String change,
    ChangeKind kind,
    RolloutPlan plan,
    Status status,
    Step step,
    List<RolloutWave> waves,
    String bakeStartedAt,
    String promotedBy,
    String autoProbe,
    Map<String, Object> verdict,
    List<RolloutDecision> history,
    String driver,
    String createdAt,
    String endedAt)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "service",
          "change",
          "kind",
          "plan",
          "status",
          "step",
          "waves",
          "bakeStartedAt",
          "promotedBy",
          "autoProbe",
          "verdict",
          "history",
          "driver",
          "createdAt",
          "endedAt");

  private static final String WHAT = "the rollout";

  /** Where a rollout stands. */
  public enum Status {
    /** Its change waits for approval: nothing is sent. */
    PENDING,
    RUNNING,
    PAUSED,
    /** Every wave passed: the change is an ordinary active change. */
    COMPLETED,
    /** A gate failed (or a process failed to apply): reverted wherever it reached. */
    ROLLED_BACK,
    /** A user aborted it: reverted wherever it reached. */
    ABORTED;

    public boolean isFinished() {
      return this == COMPLETED || this == ROLLED_BACK || this == ABORTED;
    }
  }

  /** Within the current wave. */
  public enum Step {
    APPLYING,
    BAKING,
    PASSED
  }

  public RolloutState {
    if (change == null || change.isBlank()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, WHAT + " needs 'change'", "\"c1\"");
    }
    if (plan == null) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, WHAT + " " + change + " needs 'plan'", "");
    }
    if (status == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, WHAT + " " + change + " needs 'status'", "\"running\"");
    }
    waves = waves == null ? List.of() : List.copyOf(waves);
    history = history == null ? List.of() : List.copyOf(history);
    verdict = verdict == null ? null : JsonObject.copyOf(verdict);
  }

  /** A new rollout of {@code change}: pending until its change is active. */
  public static RolloutState planned(
      String service, String change, ChangeKind kind, RolloutPlan plan, String at) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        Status.PENDING,
        null,
        List.of(),
        null,
        null,
        null,
        null,
        List.of(),
        null,
        at,
        null);
  }

  public static RolloutState fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS));
  }

  static RolloutState read(StrictObject body) {
    return new RolloutState(
        body.optionalString("service"),
        body.requireString("change", "\"c1\""),
        body.optionalEnum("kind", ChangeKind.class, null),
        RolloutPlan.read(body.requireNested("plan", "the rollout plan", RolloutPlan.FIELDS)),
        body.requireEnum("status", Status.class),
        body.optionalEnum("step", Step.class, null),
        body.optionalObjects("waves", RolloutWave.FIELDS).stream().map(RolloutWave::read).toList(),
        body.optionalString("bakeStartedAt"),
        body.optionalString("promotedBy"),
        body.optionalString("autoProbe"),
        body.optionalObject("verdict"),
        body.optionalObjects("history", RolloutDecision.FIELDS).stream()
            .map(RolloutDecision::read)
            .toList(),
        body.optionalString("driver"),
        body.optionalString("createdAt"),
        body.optionalString("endedAt"));
  }

  /** Every process the waves reached so far. */
  public Set<String> reached() {
    Set<String> all = new LinkedHashSet<>();
    waves.forEach(wave -> all.addAll(wave.processes()));
    return all;
  }

  public RolloutState with(Status newStatus, Step newStep) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        newStatus,
        newStep,
        waves,
        bakeStartedAt,
        promotedBy,
        autoProbe,
        verdict,
        history,
        driver,
        createdAt,
        endedAt);
  }

  public RolloutState withWave(RolloutWave wave) {
    List<RolloutWave> more = new ArrayList<>(waves);
    more.add(wave);
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        status,
        Step.APPLYING,
        more,
        null,
        null,
        autoProbe,
        null,
        history,
        driver,
        createdAt,
        endedAt);
  }

  public RolloutState baking(String at) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        status,
        Step.BAKING,
        waves,
        at,
        promotedBy,
        autoProbe,
        verdict,
        history,
        driver,
        createdAt,
        endedAt);
  }

  public RolloutState withVerdict(Map<String, Object> newVerdict) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        status,
        step,
        waves,
        bakeStartedAt,
        promotedBy,
        autoProbe,
        newVerdict,
        history,
        driver,
        createdAt,
        endedAt);
  }

  public RolloutState promoted(String by) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        status,
        step,
        waves,
        bakeStartedAt,
        by,
        autoProbe,
        verdict,
        history,
        driver,
        createdAt,
        endedAt);
  }

  public RolloutState withAutoProbe(String probe) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        status,
        step,
        waves,
        bakeStartedAt,
        promotedBy,
        probe,
        verdict,
        history,
        driver,
        createdAt,
        endedAt);
  }

  public RolloutState drivenBy(String controller) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        status,
        step,
        waves,
        bakeStartedAt,
        promotedBy,
        autoProbe,
        verdict,
        history,
        controller,
        createdAt,
        endedAt);
  }

  public RolloutState ended(Status finalStatus, String at) {
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        finalStatus,
        step,
        waves,
        bakeStartedAt,
        promotedBy,
        autoProbe,
        verdict,
        history,
        driver,
        createdAt,
        at);
  }

  public RolloutState decided(RolloutDecision decision) {
    List<RolloutDecision> more = new ArrayList<>(history);
    more.add(decision);
    return new RolloutState(
        service,
        change,
        kind,
        plan,
        status,
        step,
        waves,
        bakeStartedAt,
        promotedBy,
        autoProbe,
        verdict,
        more,
        driver,
        createdAt,
        endedAt);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("service", service)
        .put("change", change)
        .put("kind", kind)
        .put("plan", plan)
        .put("status", status)
        .put("step", step)
        .put("waves", waves)
        .put("bakeStartedAt", bakeStartedAt)
        .put("promotedBy", promotedBy)
        .put("autoProbe", autoProbe)
        .put("verdict", verdict)
        .put("history", history)
        .put("driver", driver)
        .put("createdAt", createdAt)
        .put("endedAt", endedAt)
        .toMap();
  }
}

package dev.jlive.controller.rollout;

import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceShadows;
import dev.jlive.controller.rollout.gate.ShadowGates;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.rollout.RolloutPlan;
import dev.jlive.protocol.rollout.Verdict;
import dev.jlive.protocol.shadow.ServiceShadow;
import dev.jlive.protocol.shadow.ShadowReport;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.time.Duration;

/**
 * The shadow a patch rollout runs before its first wave when its gates read {@code shadow.*}: a
 * shadow change of the service, made by the controller for the rollout (author {@code rollout of
 * cN}, no sign-off of its own: the rollout it serves was approved), on every matching process,
 * dropped once its gates decided. The patch itself reaches no process until they passed.
 */
final class RolloutShadows {
  private static final System.Logger LOG = System.getLogger("jlive.controller");

  /** The shadow outlives any bake: it is dropped when its gates decide, not when it expires. */
  private static final Duration AT_LEAST = Duration.ofMinutes(30);

  private final FleetStore store;
  private final ServiceChanges changes;
  private final ServiceShadows shadows;

  RolloutShadows(FleetStore store, ServiceChanges changes) {
    this.store = store;
    this.changes = changes;
    this.shadows = new ServiceShadows(store, changes);
  }

  /**
   * Starts the shadow of the patch {@code id} if its plan has shadow gates.
   *
   * @return the shadow's change id, or null when the plan needs none
   */
  String start(String service, String id, RolloutPlan plan, Change patch, long now) {
    if (patch.kind() != ChangeKind.PATCH || !new ShadowGates(plan.gates(), plan.minCalls()).any()) {
      return null;
    }
    Duration runs = Duration.ofMillis(plan.bakeMillis()).multipliedBy(10);
    ShadowRequest request =
        new ShadowRequest(
            PatchRequest.fromJson(patch.spec(), "the patch spec"),
            plan.shadowSampleEvery(),
            min(max(runs, AT_LEAST), ShadowRequest.MAX_DURATION),
            plan.shadowExpect(),
            true);
    // Same spec, same digest: a controller that takes over finds the shadow, never adds a second.
    return changes
        .addForRollout(service, ChangeKind.SHADOW, request.toJson(), patch.where(), author(id), now)
        .id();
  }

  /** The shadow gates judged on the rollout's shadow merged over the processes. */
  Judgement judge(String service, String id, RolloutPlan plan, Change patch) {
    Change shadow = find(service, id);
    ShadowReport merged = null;
    int processes = 0;
    if (shadow != null) {
      ServiceShadow report = shadows.report(service, shadow.id());
      merged = report.merged();
      processes = report.processes().size();
    }
    Verdict verdict = new ShadowGates(plan.gates(), plan.minCalls()).judge(merged, processes);
    Judgement.Outcome outcome =
        switch (verdict.outcome()) {
          case PASS -> Judgement.Outcome.PASS;
          case FAIL -> Judgement.Outcome.FAIL;
          case WAITING -> Judgement.Outcome.WAITING;
        };
    String summary =
        (shadow == null ? "shadow" : "shadow " + shadow.id()) + ": " + GateJudge.summary(verdict);
    return new Judgement(outcome, verdict.toJson(), summary);
  }

  /** Drops the rollout's shadow everywhere, if it has one running. */
  void drop(String service, String id, long now) {
    Change shadow = find(service, id);
    if (shadow == null) {
      return;
    }
    try {
      changes.revert(service, shadow.id(), author(id), now);
    } catch (JLiveException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "rollout {0} of {1}: its shadow {2} was not dropped: {3}",
          id,
          service,
          shadow.id(),
          e.getMessage());
    }
  }

  /** The rollout's active shadow, or null. */
  private Change find(String service, String id) {
    for (Change change : store.changes(service)) {
      if (change.kind() == ChangeKind.SHADOW
          && change.isActive()
          && author(id).equals(change.author())) {
        return change;
      }
    }
    return null;
  }

  private static String author(String id) {
    return "rollout of " + id;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}

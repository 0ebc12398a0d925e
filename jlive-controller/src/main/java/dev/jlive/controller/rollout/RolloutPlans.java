package dev.jlive.controller.rollout;

import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.rollout.RolloutPlan;

/**
 * The checks a plan passes before anything is stored or sent: that the service can meet it, and
 * that its gates parse.
 */
public final class RolloutPlans {
  private RolloutPlans() {}

  /**
   * @param matching how many live processes the change matches now
   */
  public static void check(RolloutPlan plan, ChangeKind kind, String service, int matching) {
    plan.checkMet(matching, service);
    GateJudge.checkGates(plan, kind);
  }
}

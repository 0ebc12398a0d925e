package dev.jlive.controller.auth;

/**
 * Every request the controller serves, with the role it needs and how a refusal names it ("adding a
 * patch to web"). The role of a change is decided by the change's kind: probes need {@link
 * Role#PROBER}, patches {@link Role#PATCHER}.
 */
public enum Operation {
  HEALTH("reading the controller's health", null),
  LIST_SERVICES("listing services", Role.VIEWER),
  LIST_PROCESSES("listing the processes of %s", Role.VIEWER),
  LIST_CHANGES("listing the changes of %s", Role.VIEWER),
  READ_CHANGE("reading a change of %s", Role.VIEWER),
  READ_METRICS("reading the metrics of %s", Role.VIEWER),
  READ_EVENTS("reading the events of %s", Role.VIEWER),
  ADD_PROBE("adding a probe to %s", Role.PROBER),
  REVERT_PROBE("removing a probe from %s", Role.PROBER),
  /** Lists loaded class names and methods: what may add a probe may see what it could probe. */
  CHECK_SELECTOR("checking a selector against the loaded classes of %s", Role.PROBER),
  ADD_PATCH("adding a patch to %s", Role.PATCHER),
  REVERT_PATCH("reverting a patch of %s", Role.PATCHER),
  READ_SHADOW("reading a shadow of %s", Role.VIEWER),
  /** The patch it makes goes through the service's policy like any other. */
  PROMOTE_SHADOW("promoting a shadow of %s to a patch", Role.PATCHER),
  LIST_APPROVALS("listing what waits for approval in %s", Role.VIEWER),
  READ_POLICY("reading the policy of %s", Role.VIEWER),
  LIST_ROLLOUTS("listing the rollouts of %s", Role.VIEWER),
  READ_ROLLOUT("reading a rollout of %s", Role.VIEWER),
  STEER_PROBE_ROLLOUT("pausing, resuming or aborting a probe rollout of %s", Role.PROBER),
  STEER_PATCH_ROLLOUT("pausing, resuming or aborting a patch rollout of %s", Role.PATCHER),
  PROMOTE_ROLLOUT("promoting a rollout of %s past its bake", Role.APPROVER),
  APPROVE("approving or rejecting a change of %s", Role.APPROVER),
  SET_POLICY("setting the policy of %s", Role.ADMIN),
  MANAGE_USERS("managing users", Role.ADMIN),
  READ_AUDIT("reading the audit log", Role.ADMIN),
  REGISTER("registering a process of %s", Role.AGENT),
  SYNC("syncing a process of %s", Role.AGENT),
  DEREGISTER("deregistering a process of %s", Role.AGENT);

  private final String doing;
  private final Role needs;

  Operation(String doing, Role needs) {
    this.doing = doing;
    this.needs = needs;
  }

  /** The role it needs; null when any authenticated user may. */
  public Role needs() {
    return needs;
  }

  /** What the operation does, for messages: "adding a patch to web" ("to a service" for null). */
  public String doing(String service) {
    return String.format(doing, service == null ? "a service" : service);
  }
}

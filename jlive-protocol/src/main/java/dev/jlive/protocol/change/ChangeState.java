package dev.jlive.protocol.change;

/**
 * Where a fleet change stands at the controller, written in lower case ({@code "active"}). A change
 * whose service's policy asks for sign-off starts {@link #PROPOSED}: stored and listed, but in no
 * process's desired set until enough approvers said yes, when it becomes {@link #ACTIVE}. A
 * proposal someone turned down is {@link #REJECTED}; an active change a user took back is {@link
 * #REVERTED}. Only {@link #ACTIVE} ever reaches a process.
 */
public enum ChangeState {
  ACTIVE,
  REVERTED,
  PROPOSED,
  REJECTED
}

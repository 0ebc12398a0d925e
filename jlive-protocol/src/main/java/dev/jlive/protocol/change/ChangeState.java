package dev.jlive.protocol.change;

/** Whether a fleet change is still wanted: {@code "active"} until a user reverts it. */
public enum ChangeState {
  ACTIVE,
  REVERTED
}

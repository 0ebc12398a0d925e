package dev.jlive.protocol.change;

import java.util.Set;

/**
 * Where a fleet change stands on one process, as the controller reports it. Written in lower case
 * ({@code "applied"}). An agent reports {@link #WAITING}, {@link #APPLIED}, {@link #FAILED} and
 * {@link #REVERTED}; the controller adds {@link #PENDING} (nothing reported yet) and {@link
 * #UNREACHABLE} (the process stopped heartbeating).
 */
public enum ProcessState {
  PENDING,
  /** Waiting for a safe point. */
  WAITING,
  APPLIED,
  /** With a message saying why. */
  FAILED,
  REVERTED,
  UNREACHABLE;

  /** The states an agent may report; the others are the controller's own. */
  public static final Set<ProcessState> REPORTED_BY_AGENTS =
      Set.of(WAITING, APPLIED, FAILED, REVERTED);
}

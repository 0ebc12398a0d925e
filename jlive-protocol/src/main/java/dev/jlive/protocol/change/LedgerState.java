package dev.jlive.protocol.change;

/**
 * Where one change stands in an agent's ledger, written in lower case ({@code "active"}). A probe
 * that waits for its class to load is {@link #WAITING}; a probe that stopped itself (a budget, an
 * error) is {@link #DISABLED}; a removed probe is {@link #REMOVED}, a taken-back patch {@link
 * #REVERTED}. The fleet's view of a change on a process is {@link ProcessState}.
 */
public enum LedgerState {
  ACTIVE,
  WAITING,
  DISABLED,
  REMOVED,
  REVERTED,
  FAILED;

  /** Still in effect, or about to be: what {@code jlive info} counts as active changes. */
  public boolean isLive() {
    return this == ACTIVE || this == WAITING;
  }
}

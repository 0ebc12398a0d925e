package dev.jlive.protocol.probe;

/** Where a probe stands in one JVM, as {@code probe list} shows it. Written in lower case. */
public enum ProbeState {
  /** Added with {@code --wait}: no class it matches is loaded yet. */
  WAITING,
  ACTIVE,
  /** Turned itself off (budget, failures); the probe's {@code reason} says why. */
  DISABLED
}

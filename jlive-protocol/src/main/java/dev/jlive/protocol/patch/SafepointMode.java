package dev.jlive.protocol.patch;

/**
 * How a patch or revert swapped code, written in lower case: at a {@link #QUIESCENT} safe point
 * (every call runs wholly old or wholly new code), or {@link #IMMEDIATE}ly (plain JVM semantics:
 * running frames finish the old code).
 */
public enum SafepointMode {
  QUIESCENT,
  IMMEDIATE
}

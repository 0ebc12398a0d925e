package dev.jlive.bench.overhead;

/**
 * The twin of {@link Target} that never gets a probe: the control. Keep the two bodies identical.
 */
public final class Baseline {
  public int work(int x) {
    int h = x * 0x9E3779B1;
    h ^= h >>> 15;
    return h * 0x85EBCA77 + 7;
  }
}

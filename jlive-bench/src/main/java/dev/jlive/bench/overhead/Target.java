package dev.jlive.bench.overhead;

/**
 * The method the probes go into: a few dependent integer operations, about what a small hash or
 * accessor costs, so that a probe's few nanoseconds stand out. {@link Baseline} is its twin and
 * never gets a probe; keep the two bodies identical.
 */
public final class Target {
  public int work(int x) {
    int h = x * 0x9E3779B1;
    h ^= h >>> 15;
    return h * 0x85EBCA77 + 7;
  }
}

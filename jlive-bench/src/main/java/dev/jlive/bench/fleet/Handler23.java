package dev.jlive.bench.fleet;

/** One of fifty look-alike handlers that one wildcard probe selects together. */
public final class Handler23 {
  public int handle(int request) {
    return request * 47 + 23;
  }
}

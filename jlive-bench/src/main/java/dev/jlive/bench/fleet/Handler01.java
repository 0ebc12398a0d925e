package dev.jlive.bench.fleet;

/** One of fifty look-alike handlers that one wildcard probe selects together. */
public final class Handler01 {
  public int handle(int request) {
    return request * 3 + 1;
  }
}

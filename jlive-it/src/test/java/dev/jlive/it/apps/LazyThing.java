package dev.jlive.it.apps;

/** Loaded only when the probe target app is told "lazy": a class that arrives after its probe. */
public final class LazyThing {
  public int run(int times) {
    int total = 0;
    for (int i = 0; i < times; i++) {
      total += step(i);
    }
    return total;
  }

  int step(int i) {
    return i * 2;
  }
}

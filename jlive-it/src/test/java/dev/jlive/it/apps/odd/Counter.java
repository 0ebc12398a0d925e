package dev.jlive.it.apps.odd;

/** Synchronized methods: probed and patched at a quiescent point like any other. */
public final class Counter {
  private int value;

  public synchronized int next() {
    value += 1;
    return value;
  }
}

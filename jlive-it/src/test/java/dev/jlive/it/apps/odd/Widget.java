package dev.jlive.it.apps.odd;

/** A constructor with a body worth probing. */
public final class Widget {
  private final int size;

  public Widget(int requested) {
    int clamped = Math.max(1, requested);
    this.size = clamped * 2;
  }

  public int size() {
    return size;
  }
}

package dev.jlive.it.apps.odd;

/**
 * A record: its accessors are generated, its method is plain; both are probed, the method patched.
 */
public record Point(int x, int y) {
  public int sum() {
    return x() + y();
  }
}

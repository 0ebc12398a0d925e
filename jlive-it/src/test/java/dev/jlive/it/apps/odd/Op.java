package dev.jlive.it.apps.odd;

/**
 * An enum with a constant-specific body per constant (classes Op$1 and Op$2) and a shared method.
 */
public enum Op {
  PLUS {
    @Override
    public int apply(int a, int b) {
      return a + b;
    }
  },
  TIMES {
    @Override
    public int apply(int a, int b) {
      return a * b;
    }
  };

  public abstract int apply(int a, int b);

  public int twice(int a) {
    return apply(a, a);
  }
}

package dev.jlive.it.apps.odd;

import java.util.function.IntUnaryOperator;

/** One lambda: javac compiles its body into a private static synthetic method lambda$...$0. */
public final class Lambdas {
  private static final IntUnaryOperator TRIPLE = value -> value * 3;

  private Lambdas() {}

  public static int triple(int value) {
    return TRIPLE.applyAsInt(value);
  }
}

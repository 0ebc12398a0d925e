package dev.jlive.it.apps.odd;

/** A default method: the code lives in the interface. */
public interface Politeness {
  default String please(String what) {
    return what + ", please";
  }

  /** Inherits please from Politeness. */
  final class Polite implements Politeness {}
}

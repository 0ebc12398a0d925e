package dev.jlive.it.apps.odd;

/**
 * A long local that is assigned in a try and in its catch: the next line is where both paths meet.
 */
public final class Ledger {
  public long doubled(String text) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = -1;
    }
    return value * 2; // probed line
  }
}

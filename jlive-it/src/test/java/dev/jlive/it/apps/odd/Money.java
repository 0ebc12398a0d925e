package dev.jlive.it.apps.odd;

/** Comparable of itself: javac adds a bridge compareTo(Object) that calls compareTo(Money). */
public final class Money implements Comparable<Money> {
  private final long cents;

  public Money(long cents) {
    this.cents = cents;
  }

  @Override
  public int compareTo(Money other) {
    return Long.compare(cents, other.cents);
  }
}

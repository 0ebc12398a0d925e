package dev.jlive.it.apps;

/** The class the patch tests give new code. Its source is read by the tests and changed there. */
public final class Pricer {
  private int quotes;

  public int price(int quantity) {
    quotes++;
    return quantity * 10;
  }

  public int quotes() {
    return quotes;
  }
}

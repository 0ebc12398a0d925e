package dev.jlive.demo.shop;

import java.util.List;

/**
 * What a cart costs right now.
 *
 * @param itemCount the number of units over all lines
 * @param totalCents the sum of the line totals
 */
public record Quote(String cartId, List<QuotedLine> lines, int itemCount, long totalCents) {

  public Quote {
    lines = List.copyOf(lines);
  }
}

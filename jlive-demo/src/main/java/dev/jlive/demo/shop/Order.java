package dev.jlive.demo.shop;

import java.util.List;

/**
 * A placed order.
 *
 * @param averageItemCents the total divided by the number of units, for basket analytics
 */
public record Order(
    String id,
    String cartId,
    List<QuotedLine> lines,
    int itemCount,
    long totalCents,
    long averageItemCents) {

  public Order {
    lines = List.copyOf(lines);
  }
}

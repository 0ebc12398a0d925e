package dev.jlive.demo.shop;

import java.util.ArrayList;
import java.util.List;

/** Prices a cart: unit prices from the cache, line totals with the bulk discount. */
final class Quoter {

  private final Catalog catalog;
  private final PriceCache prices;

  Quoter(Catalog catalog, PriceCache prices) {
    this.catalog = catalog;
    this.prices = prices;
  }

  Quote quote(Cart cart) {
    List<CartLine> lines = cart.lines();
    List<QuotedLine> quoted = new ArrayList<>(lines.size());
    int items = 0;
    long total = 0;
    for (CartLine line : lines) {
      Product product = catalog.require(line.productId());
      long unit = prices.priceOf(product);
      long lineTotal = Pricing.discountedPrice(unit, line.quantity());
      quoted.add(new QuotedLine(product, line.quantity(), unit, lineTotal));
      items += line.quantity();
      total += lineTotal;
    }
    return new Quote(cart.id(), quoted, items, total);
  }
}

package dev.jlive.demo.shop;

/**
 * Turns a cart into an order: price it, take the stock, record the order, close the cart.
 *
 * <p>Every check that can refuse a checkout runs before stock is taken, so a refused checkout
 * leaves the shop as it was. A cart must hold at least one item to be checked out.
 */
final class Checkout {

  private final Catalog catalog;
  private final Carts carts;
  private final Orders orders;
  private final Quoter quoter;

  Checkout(Catalog catalog, Carts carts, Orders orders, Quoter quoter) {
    this.catalog = catalog;
    this.carts = carts;
    this.orders = orders;
    this.quoter = quoter;
  }

  Order checkout(String cartId) {
    Cart cart = carts.require(cartId);
    // Holding the cart keeps items from being added between the quote and the order.
    synchronized (cart) {
      // A concurrent checkout of the same cart may have closed it while this one waited.
      carts.require(cartId);
      Quote quote = quoter.quote(cart);
      long averageItemCents = averageItemPriceCents(quote.totalCents(), quote.itemCount());
      catalog.reserve(cart.lines());
      carts.close(cart);
      return orders.place(quote, averageItemCents);
    }
  }

  /** The average price of one unit in an order, in cents, for basket analytics. */
  static long averageItemPriceCents(long totalCents, int itemCount) {
    return totalCents / itemCount;
  }
}

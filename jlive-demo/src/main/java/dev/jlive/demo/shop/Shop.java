package dev.jlive.demo.shop;

import java.util.List;
import java.util.Optional;

/**
 * The whole shop: what the HTTP layer talks to. One instance holds all state, so each embedded
 * service gets its own shop.
 */
public final class Shop {

  /** Bounds one add so that a typo cannot take the whole stock into one cart. */
  public static final int MAX_QUANTITY = 1_000;

  private final Catalog catalog;
  private final Carts carts = new Carts();
  private final Orders orders = new Orders();
  private final PriceCache prices = new PriceCache();
  private final Quoter quoter;
  private final Checkout checkout;

  /** A shop with the seeded catalog of twenty products. */
  public Shop() {
    this.catalog = SeedCatalog.create();
    this.quoter = new Quoter(catalog, prices);
    this.checkout = new Checkout(catalog, carts, orders, quoter);
  }

  /** A product with its current unit price and stock. */
  public record Listing(Product product, long unitPriceCents, int stock) {}

  public List<Listing> listings() {
    return catalog.products().stream().map(this::listing).toList();
  }

  public Listing listing(String productId) {
    return listing(catalog.require(productId));
  }

  private Listing listing(Product product) {
    return new Listing(product, prices.priceOf(product), catalog.stock(product.id()));
  }

  public Cart createCart() {
    return carts.create();
  }

  public Quote addItem(String cartId, String productId, int quantity) {
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      throw new ShopException(
          ShopError.INVALID_QUANTITY,
          "quantity must be between 1 and " + MAX_QUANTITY + ", was " + quantity);
    }
    Cart cart = carts.require(cartId);
    catalog.require(productId);
    cart.add(productId, quantity);
    return quoter.quote(cart);
  }

  public Quote quote(String cartId) {
    return quoter.quote(carts.require(cartId));
  }

  public Order checkout(String cartId) {
    return checkout.checkout(cartId);
  }

  public Optional<Order> order(String orderId) {
    return orders.find(orderId);
  }

  /** Adds units of a product to stock; the load driver plays the warehouse with this. */
  public int restock(String productId, int quantity) {
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      throw new ShopException(
          ShopError.INVALID_QUANTITY,
          "restock quantity must be between 1 and " + MAX_QUANTITY + ", was " + quantity);
    }
    return catalog.restock(productId, quantity);
  }

  public ShopStats stats() {
    return new ShopStats(
        orders.placed(),
        orders.revenueCents(),
        carts.created(),
        carts.openCount(),
        prices.hits(),
        prices.misses());
  }
}

package dev.jlive.demo.shop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A customer's cart. Adding the same product twice adds to its line, so a cart has at most one line
 * per product, in the order products were first added.
 *
 * <p>Methods synchronise on the cart: checkout holds the same lock so that items cannot be added
 * between pricing a cart and placing its order.
 */
public final class Cart {

  private final String id;
  // Ordered: the lines come out in the order products were first added.
  private final Map<String, Integer> quantities = new LinkedHashMap<>();

  Cart(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  synchronized void add(String productId, int quantity) {
    quantities.merge(productId, quantity, Integer::sum);
  }

  /** A snapshot of the lines, safe to use after the lock is released. */
  public synchronized List<CartLine> lines() {
    List<CartLine> lines = new ArrayList<>(quantities.size());
    quantities.forEach((productId, quantity) -> lines.add(new CartLine(productId, quantity)));
    return lines;
  }
}

package dev.jlive.demo.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The open carts. A cart leaves when its order is placed. */
final class Carts {

  private final Map<String, Cart> open = new ConcurrentHashMap<>();
  private final AtomicLong created = new AtomicLong();

  Cart create() {
    Cart cart = new Cart("c" + created.incrementAndGet());
    open.put(cart.id(), cart);
    return cart;
  }

  Cart require(String cartId) {
    Cart cart = open.get(cartId);
    if (cart == null) {
      throw new ShopException(
          ShopError.UNKNOWN_CART,
          "no open cart '"
              + cartId
              + "'; create one with POST /carts (checked-out carts are closed)");
    }
    return cart;
  }

  void close(Cart cart) {
    open.remove(cart.id(), cart);
  }

  long created() {
    return created.get();
  }

  int openCount() {
    return open.size();
  }
}

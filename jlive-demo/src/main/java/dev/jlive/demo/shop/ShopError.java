package dev.jlive.demo.shop;

/** The closed set of ways a shop operation is refused; the HTTP layer maps each to a status. */
public enum ShopError {
  UNKNOWN_PRODUCT("unknown_product"),
  UNKNOWN_CART("unknown_cart"),
  UNKNOWN_ORDER("unknown_order"),
  INVALID_QUANTITY("invalid_quantity"),
  OUT_OF_STOCK("out_of_stock"),
  EMPTY_CART("empty_cart");

  private final String code;

  ShopError(String code) {
    this.code = code;
  }

  /** The stable code put into error answers, for clients to branch on. */
  public String code() {
    return code;
  }
}

package dev.jlive.demo.shop;

/** A request the shop refuses; the message says what was wrong and what to do instead. */
public final class ShopException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ShopError error;

  public ShopException(ShopError error, String message) {
    super(message);
    this.error = error;
  }

  public ShopError error() {
    return error;
  }
}

package dev.jlive.demo.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CheckoutTest {

  @Test
  void averagesTheItemPriceRoundingDown() {
    assertThat(Checkout.averageItemPriceCents(7795, 5)).isEqualTo(1559);
  }

  @Test
  void failsToAverageNoItems() {
    // Bug 3 in BUGS.md.
    assertThatThrownBy(() -> Checkout.averageItemPriceCents(0, 0))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void refusedCheckoutLeavesStockAndCartAsTheyWere() {
    Shop shop = new Shop();
    Cart cart = shop.createCart();
    shop.addItem(cart.id(), "p1", 1);
    shop.addItem(cart.id(), "p17", 121);

    assertThatThrownBy(() -> shop.checkout(cart.id()))
        .isInstanceOf(ShopException.class)
        .extracting(e -> ((ShopException) e).error())
        .isEqualTo(ShopError.OUT_OF_STOCK);
    assertThat(shop.listing("p1").stock()).isEqualTo(500);
    assertThat(shop.listing("p17").stock()).isEqualTo(120);
    assertThat(shop.quote(cart.id()).itemCount()).isEqualTo(122);
  }
}

package dev.jlive.demo.shop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PriceCacheTest {

  private final PriceCache cache = new PriceCache();

  @Test
  void evaluatesALowerCaseSkuOnce() {
    Product mug = new Product("p1", "mug-classic", "Classic mug", 899);

    assertThat(cache.priceOf(mug)).isEqualTo(899);
    assertThat(cache.priceOf(mug)).isEqualTo(899);

    assertThat(cache.misses()).isEqualTo(1);
    assertThat(cache.hits()).isEqualTo(1);
  }

  @Test
  void evaluatesAMixedCaseSkuEveryTime() {
    // Bug 2 in BUGS.md.
    Product cable = new Product("p7", "cable-USB-C", "USB-C cable", 1099);

    assertThat(cache.priceOf(cable)).isEqualTo(1099);
    assertThat(cache.priceOf(cable)).isEqualTo(1099);

    assertThat(cache.misses()).isEqualTo(2);
    assertThat(cache.hits()).isZero();
  }
}

package dev.jlive.demo.shop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricingTest {

  @ParameterizedTest(name = "{1} x {0} cents = {2}")
  @CsvSource({
    "1999, 1, 1999",
    "1999, 9, 17991",
    // Bug 1 in BUGS.md: the rule says 17991.
    "1999, 10, 19990",
    "1999, 11, 19790",
    // 55 * 0.9 = 49.5, rounded half up.
    "5, 11, 50",
    "0, 12, 0",
  })
  void pricesLinesWithTheBulkDiscount(long priceCents, int quantity, long expected) {
    assertThat(Pricing.discountedPrice(priceCents, quantity)).isEqualTo(expected);
  }
}

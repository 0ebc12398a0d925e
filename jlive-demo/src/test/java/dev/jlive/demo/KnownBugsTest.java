package dev.jlive.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.demo.DemoClient.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the three deliberate bugs listed in {@code BUGS.md}, as a client sees them. These tests fail
 * once a bug is fixed in the source: the demo exists to carry them.
 */
class KnownBugsTest {

  private DemoService service;
  private DemoClient client;

  @BeforeEach
  void start() {
    service = new DemoService().start(0);
    client = new DemoClient(service);
  }

  @AfterEach
  void stop() {
    service.stop();
  }

  @Test
  void bug1_tenUnitsGetNoBulkDiscount() {
    String ten = client.newCart();
    String eleven = client.newCart();

    Answer tenUnits = client.post("/carts/" + ten + "/items?product=p2&qty=10");
    Answer elevenUnits = client.post("/carts/" + eleven + "/items?product=p2&qty=11");

    // The rule is 10% off from ten units: 17991 for ten. Eleven show the discount works at all.
    assertThat(tenUnits.number("total")).isEqualTo(19990);
    assertThat(elevenUnits.number("total")).isEqualTo(19790);
    assertThat(client.post("/carts/" + ten + "/checkout").number("total")).isEqualTo(19990);
  }

  @Test
  void bug2_mixedCaseSkuIsPricedAgainOnEveryRequest() {
    client.get("/products/p8");
    client.get("/products/p7");
    long missesBefore = client.stat("cacheMisses");
    long hitsBefore = client.stat("cacheHits");

    for (int i = 0; i < 3; i++) {
      assertThat(client.get("/products/p8").status()).isEqualTo(200);
    }
    assertThat(client.stat("cacheMisses")).isEqualTo(missesBefore);
    assertThat(client.stat("cacheHits")).isEqualTo(hitsBefore + 3);

    for (int i = 0; i < 3; i++) {
      assertThat(client.get("/products/p7").status()).isEqualTo(200);
    }
    assertThat(client.stat("cacheMisses")).isEqualTo(missesBefore + 3);
    assertThat(client.stat("cacheHits")).isEqualTo(hitsBefore + 3);
  }

  @Test
  void bug2_everyListingPricesTheMixedCaseSkuAgain() {
    client.get("/products");
    long missesAfterFirstListing = client.stat("cacheMisses");

    client.get("/products");
    client.get("/products");

    assertThat(missesAfterFirstListing).isEqualTo(20);
    assertThat(client.stat("cacheMisses")).isEqualTo(missesAfterFirstListing + 2);
  }

  @Test
  void bug3_checkingOutAnEmptyCartAnswers500AndTheServiceGoesOn() {
    String cart = client.newCart();

    Answer checkout = client.post("/carts/" + cart + "/checkout");

    assertThat(checkout.status()).isEqualTo(500);
    assertThat(checkout.text("error")).isEqualTo("internal");
    assertThat(checkout.text("message")).isEqualTo("java.lang.ArithmeticException: / by zero");
    assertThat(client.get("/health").status()).isEqualTo(200);
    assertThat(client.stat("serverErrors")).isEqualTo(1);
    assertThat(client.stat("orders")).isZero();
    // Nothing was taken: the cart is still open and can be filled and checked out.
    client.post("/carts/" + cart + "/items?product=p1&qty=1");
    assertThat(client.post("/carts/" + cart + "/checkout").status()).isEqualTo(201);
  }
}

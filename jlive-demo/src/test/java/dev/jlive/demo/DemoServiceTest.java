package dev.jlive.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.demo.DemoClient.Answer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shop's behaviour where it works as intended, over real HTTP. */
class DemoServiceTest {

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
  void listsTheTwentySeededProducts() {
    Answer products = client.get("/products");

    assertThat(products.status()).isEqualTo(200);
    assertThat(products.texts("id"))
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 20).mapToObj(i -> "p" + i).toList());
    assertThat(products.body()).contains("\"sku\":\"cable-USB-C\"");
  }

  @Test
  void showsOneProductWithPriceAndStock() {
    Answer mug = client.get("/products/p1");

    assertThat(mug.status()).isEqualTo(200);
    assertThat(mug.text("name")).isEqualTo("Classic mug");
    assertThat(mug.number("price")).isEqualTo(899);
    assertThat(mug.number("stock")).isEqualTo(500);
  }

  @Test
  void unknownProductIsA404WithAJsonError() {
    Answer missing = client.get("/products/p404");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.text("error")).isEqualTo("unknown_product");
    assertThat(missing.text("message")).contains("p404");
  }

  @Test
  void checkoutTakesStockClosesTheCartAndCountsTheOrder() {
    long stockBefore = client.get("/products/p2").number("stock");
    String cart = client.newCart();
    client.post("/carts/" + cart + "/items?product=p2&qty=3");
    client.post("/carts/" + cart + "/items?product=p1&qty=1");
    Answer filled = client.post("/carts/" + cart + "/items?product=p1&qty=1");
    assertThat(filled.number("total")).isEqualTo(3 * 1999 + 2 * 899);
    assertThat(filled.number("items")).isEqualTo(5);

    Answer order = client.post("/carts/" + cart + "/checkout");

    assertThat(order.status()).isEqualTo(201);
    assertThat(order.text("id")).startsWith("o");
    assertThat(order.number("total")).isEqualTo(3 * 1999 + 2 * 899);
    assertThat(order.number("averageItemPrice")).isEqualTo((3 * 1999 + 2 * 899) / 5);
    assertThat(client.get("/products/p2").number("stock")).isEqualTo(stockBefore - 3);
    assertThat(client.get("/orders/" + order.text("id")).number("total"))
        .isEqualTo(order.number("total"));
    assertThat(client.get("/carts/" + cart).status()).isEqualTo(404);
    Answer stats = client.get("/stats");
    assertThat(stats.number("orders")).isEqualTo(1);
    assertThat(stats.number("revenue")).isEqualTo(3 * 1999 + 2 * 899);
    assertThat(stats.number("carts")).isEqualTo(1);
    assertThat(stats.number("openCarts")).isZero();
    assertThat(stats.number("serverErrors")).isZero();
  }

  @Test
  void checkoutBeyondStockIsRefusedAndTakesNothing() {
    long stockBefore = client.get("/products/p17").number("stock");
    String cart = client.newCart();
    client.post("/carts/" + cart + "/items?product=p1&qty=1");
    client.post("/carts/" + cart + "/items?product=p17&qty=" + (stockBefore + 1));

    Answer refused = client.post("/carts/" + cart + "/checkout");

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text("error")).isEqualTo("out_of_stock");
    assertThat(client.get("/products/p17").number("stock")).isEqualTo(stockBefore);
    assertThat(client.get("/products/p1").number("stock")).isEqualTo(500);

    Answer restocked = client.post("/products/p17/restock?qty=1");
    assertThat(restocked.number("stock")).isEqualTo(stockBefore + 1);
    assertThat(client.post("/carts/" + cart + "/checkout").status()).isEqualTo(201);
    assertThat(client.get("/products/p17").number("stock")).isZero();
  }

  @Test
  void malformedRequestsAreRefusedWithJsonErrors() {
    String cart = client.newCart();

    assertThat(client.post("/carts/" + cart + "/items?product=p1&qty=many"))
        .satisfies(a -> assertThat(a.status()).isEqualTo(400))
        .satisfies(a -> assertThat(a.text("error")).isEqualTo("bad_request"));
    assertThat(client.post("/carts/" + cart + "/items?product=p1").text("error"))
        .isEqualTo("bad_request");
    assertThat(client.post("/carts/" + cart + "/items?product=p1&qty=0").text("error"))
        .isEqualTo("invalid_quantity");
    assertThat(client.post("/carts/" + cart + "/items?product=nope&qty=1").status()).isEqualTo(404);
    assertThat(client.post("/carts/c999/items?product=p1&qty=1").text("error"))
        .isEqualTo("unknown_cart");
    assertThat(client.get("/nowhere").status()).isEqualTo(404);
    assertThat(client.send("DELETE", "/carts/" + cart).status()).isEqualTo(405);
    assertThat(client.stat("serverErrors")).isZero();
  }

  @Test
  void answersHealth() {
    Answer health = client.get("/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void startsOnceAndStopsIdempotently() {
    assertThatThrownBy(() -> service.start(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already started");

    service.stop();
    service.stop();

    assertThatThrownBy(service::port).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void servicesDoNotShareState() {
    try (DemoService other = new DemoService().start(0)) {
      DemoClient otherClient = new DemoClient(other);
      client.newCart();

      assertThat(other.port()).isNotEqualTo(service.port());
      assertThat(otherClient.stat("carts")).isZero();
      assertThat(client.stat("carts")).isEqualTo(1);
    }
  }
}

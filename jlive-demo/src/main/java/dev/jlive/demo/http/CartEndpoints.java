package dev.jlive.demo.http;

import dev.jlive.demo.shop.Cart;
import dev.jlive.demo.shop.Order;
import dev.jlive.demo.shop.Quote;
import dev.jlive.demo.shop.QuotedLine;
import dev.jlive.demo.shop.Shop;
import dev.jlive.demo.shop.ShopError;
import dev.jlive.demo.shop.ShopException;
import java.util.List;

/** {@code /carts} and {@code /orders}: filling a cart, checking it out, looking at the order. */
final class CartEndpoints {

  private final Shop shop;

  CartEndpoints(Shop shop) {
    this.shop = shop;
  }

  void register(Router router) {
    router.post("/carts", this::create);
    router.get("/carts/{id}", this::show);
    router.post("/carts/{id}/items", this::addItem);
    router.post("/carts/{id}/checkout", this::checkout);
    router.get("/orders/{id}", this::order);
  }

  private Response create(Request request) {
    Cart cart = shop.createCart();
    return Response.created(new Json().field("id", cart.id()));
  }

  private Response show(Request request) {
    return Response.ok(json(shop.quote(request.path(0))));
  }

  private Response addItem(Request request) {
    Quote quote = shop.addItem(request.path(0), request.query("product"), request.queryInt("qty"));
    return Response.ok(json(quote));
  }

  private Response checkout(Request request) {
    return Response.created(json(shop.checkout(request.path(0))));
  }

  private Response order(Request request) {
    String orderId = request.path(0);
    Order order =
        shop.order(orderId)
            .orElseThrow(
                () ->
                    new ShopException(
                        ShopError.UNKNOWN_ORDER,
                        "no order '" + orderId + "'; only the most recent orders are kept"));
    return Response.ok(json(order));
  }

  private static Json json(Quote quote) {
    return new Json()
        .field("id", quote.cartId())
        .raw("lines", lines(quote.lines()))
        .field("items", quote.itemCount())
        .field("total", quote.totalCents());
  }

  private static Json json(Order order) {
    return new Json()
        .field("id", order.id())
        .field("cart", order.cartId())
        .raw("lines", lines(order.lines()))
        .field("items", order.itemCount())
        .field("total", order.totalCents())
        .field("averageItemPrice", order.averageItemCents());
  }

  private static String lines(List<QuotedLine> lines) {
    return Json.array(
        lines.stream()
            .map(
                line ->
                    new Json()
                        .field("product", line.product().id())
                        .field("name", line.product().name())
                        .field("quantity", line.quantity())
                        .field("unitPrice", line.unitPriceCents())
                        .field("lineTotal", line.lineTotalCents())
                        .toString())
            .toList());
  }
}

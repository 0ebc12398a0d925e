package dev.jlive.demo.http;

import dev.jlive.demo.shop.Shop;

/** {@code /products}: the catalog with current prices and stock, and restocking. */
final class ProductEndpoints {

  private final Shop shop;

  ProductEndpoints(Shop shop) {
    this.shop = shop;
  }

  void register(Router router) {
    router.get("/products", this::list);
    router.get("/products/{id}", this::one);
    router.post("/products/{id}/restock", this::restock);
  }

  private Response list(Request request) {
    var products = shop.listings().stream().map(ProductEndpoints::json).toList();
    return Response.ok(new Json().raw("products", Json.array(products)));
  }

  private Response one(Request request) {
    return new Response(200, json(shop.listing(request.path(0))));
  }

  private Response restock(Request request) {
    String productId = request.path(0);
    int stock = shop.restock(productId, request.queryInt("qty"));
    return Response.ok(new Json().field("id", productId).field("stock", stock));
  }

  private static String json(Shop.Listing listing) {
    return new Json()
        .field("id", listing.product().id())
        .field("sku", listing.product().sku())
        .field("name", listing.product().name())
        .field("price", listing.unitPriceCents())
        .field("stock", listing.stock())
        .toString();
  }
}

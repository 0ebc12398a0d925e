package dev.jlive.demo.http;

import dev.jlive.demo.shop.Shop;
import dev.jlive.demo.shop.ShopStats;

/** {@code /stats} and {@code /health}: what operators and the load driver watch. */
final class StatusEndpoints {

  private final Shop shop;
  private final ErrorFence fence;

  StatusEndpoints(Shop shop, ErrorFence fence) {
    this.shop = shop;
    this.fence = fence;
  }

  void register(Router router) {
    router.get("/stats", this::stats);
    router.get("/health", request -> Response.ok(new Json().field("status", "ok")));
  }

  private Response stats(Request request) {
    ShopStats stats = shop.stats();
    return Response.ok(
        new Json()
            .field("orders", stats.ordersPlaced())
            .field("revenue", stats.revenueCents())
            .field("carts", stats.cartsCreated())
            .field("openCarts", stats.openCarts())
            .field("cacheHits", stats.cacheHits())
            .field("cacheMisses", stats.cacheMisses())
            .field("serverErrors", fence.serverErrors()));
  }
}

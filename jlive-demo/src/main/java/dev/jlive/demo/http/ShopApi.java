package dev.jlive.demo.http;

import com.sun.net.httpserver.HttpHandler;
import dev.jlive.demo.shop.Shop;

/**
 * The shop's HTTP API. Every answer is a JSON object; money amounts are whole cents. Errors are
 * {@code {"error":"<code>","message":"<what was wrong and what to do>"}} with a 4xx status for
 * refused requests and 500 for failures.
 *
 * <pre>
 * GET  /products                  {"products":[product...]}
 *                                 product: {"id","sku","name","price","stock"}
 * GET  /products/{id}             product; 404 if unknown
 * POST /products/{id}/restock?qty=N          {"id","stock"}
 * POST /carts                     201 {"id":"c1"}
 * POST /carts/{id}/items?product=P&amp;qty=N    cart
 * GET  /carts/{id}                cart: {"id","lines":[line...],"items","total"}
 *                                 line: {"product","name","quantity","unitPrice","lineTotal"}
 * POST /carts/{id}/checkout       201 order: {"id":"o1","cart","lines","items","total",
 *                                             "averageItemPrice"}
 * GET  /orders/{id}               order
 * GET  /stats                     {"orders","revenue","carts","openCarts","cacheHits",
 *                                  "cacheMisses","serverErrors"}
 * GET  /health                    {"status":"ok"}
 * </pre>
 */
public final class ShopApi {

  private ShopApi() {}

  /** The handler for the whole API, to be bound at the root context. */
  public static HttpHandler handler(Shop shop) {
    ErrorFence fence = new ErrorFence();
    Router router = new Router(fence);
    new ProductEndpoints(shop).register(router);
    new CartEndpoints(shop).register(router);
    new StatusEndpoints(shop, fence).register(router);
    return router;
  }
}

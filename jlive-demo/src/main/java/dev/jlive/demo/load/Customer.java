package dev.jlive.demo.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One visit to the shop, as a customer would make it. The mix is meant to look like real traffic
 * and, like real traffic, to reach every corner of the shop:
 *
 * <ul>
 *   <li>a quarter of visits browse the product list, a tenth look at one product;
 *   <li>every visit opens a cart; nine in ten add one to three products chosen uniformly, one in
 *       five lines with a bulk quantity of exactly {@link #BULK_QUANTITY}, and look at the cart;
 *   <li>one in ten goes straight to checkout with the cart still empty;
 *   <li>every visit checks out. If the shop is out of stock, the customer plays the warehouse and
 *       restocks what it wanted, so a long run does not end up refused on every checkout.
 * </ul>
 */
final class Customer {

  /** The quantity at which the shop promises a bulk discount. */
  static final int BULK_QUANTITY = 10;

  static final int RESTOCK_QUANTITY = 500;

  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

  private final ShopClient client;
  private final List<String> productIds;

  Customer(ShopClient client, List<String> productIds) {
    this.client = client;
    this.productIds = List.copyOf(productIds);
  }

  /** The product ids in a {@code GET /products} answer. */
  static List<String> productIds(String listing) {
    List<String> ids = new ArrayList<>();
    Matcher matcher = ID.matcher(listing);
    while (matcher.find()) {
      ids.add(matcher.group(1));
    }
    return ids;
  }

  void visit() throws InterruptedException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextInt(4) == 0) {
      client.get("/products");
    }
    if (random.nextInt(10) == 0) {
      client.get("/products/" + pick(random));
    }
    ShopClient.Reply cart = client.post("/carts");
    Matcher id = ID.matcher(cart.body());
    if (!cart.is(201) || !id.find()) {
      return;
    }
    String cartPath = "/carts/" + id.group(1);
    List<String> wanted = new ArrayList<>();
    if (random.nextInt(10) != 0) {
      int lines = 1 + random.nextInt(3);
      for (int i = 0; i < lines; i++) {
        String product = pick(random);
        int quantity = random.nextInt(5) == 0 ? BULK_QUANTITY : 1 + random.nextInt(3);
        client.post(cartPath + "/items?product=" + product + "&qty=" + quantity);
        wanted.add(product);
      }
      client.get(cartPath);
    }
    ShopClient.Reply order = client.post(cartPath + "/checkout");
    if (order.is(409) && order.body().contains("out_of_stock")) {
      for (String product : wanted) {
        client.post("/products/" + product + "/restock?qty=" + RESTOCK_QUANTITY);
      }
    }
  }

  private String pick(ThreadLocalRandom random) {
    return productIds.get(random.nextInt(productIds.size()));
  }
}

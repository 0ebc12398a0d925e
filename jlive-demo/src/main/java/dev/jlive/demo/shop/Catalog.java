package dev.jlive.demo.shop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The products on sale and their stock.
 *
 * <p>The product list is fixed at construction; only stock changes. Stock changes go through {@link
 * #reserve} and {@link #restock}, which share the catalog lock, so a checkout either takes every
 * line of a cart or none of them.
 */
final class Catalog {

  private final Map<String, Product> products;
  private final Map<String, Integer> stock;

  Catalog(Map<Product, Integer> initialStock) {
    // Ordered: GET /products lists the products in the order the catalog was seeded.
    Map<String, Product> byId = new LinkedHashMap<>();
    Map<String, Integer> units = new HashMap<>();
    initialStock.forEach(
        (product, count) -> {
          if (byId.putIfAbsent(product.id(), product) != null) {
            throw new IllegalArgumentException("duplicate product id " + product.id());
          }
          units.put(product.id(), count);
        });
    this.products = Collections.unmodifiableMap(byId);
    this.stock = units;
  }

  Collection<Product> products() {
    return products.values();
  }

  Optional<Product> find(String productId) {
    return Optional.ofNullable(products.get(productId));
  }

  Product require(String productId) {
    Product product = products.get(productId);
    if (product == null) {
      throw new ShopException(
          ShopError.UNKNOWN_PRODUCT,
          "no product '" + productId + "'; GET /products lists the valid ids");
    }
    return product;
  }

  synchronized int stock(String productId) {
    require(productId);
    return stock.get(productId);
  }

  /** Takes the units of every line, or none if any line has too few in stock. */
  synchronized void reserve(List<CartLine> lines) {
    List<String> lacking = new ArrayList<>();
    for (CartLine line : lines) {
      if (stock.get(line.productId()) < line.quantity()) {
        lacking.add(line.productId());
      }
    }
    if (!lacking.isEmpty()) {
      throw new ShopException(
          ShopError.OUT_OF_STOCK,
          "not enough stock of "
              + lacking
              + "; lower the quantity or restock with"
              + " POST /products/{id}/restock?qty=N");
    }
    for (CartLine line : lines) {
      stock.merge(line.productId(), -line.quantity(), Integer::sum);
    }
  }

  synchronized int restock(String productId, int quantity) {
    require(productId);
    return stock.merge(productId, quantity, Integer::sum);
  }
}

package dev.jlive.demo.shop;

/**
 * A catalog entry. Stock is not part of it because stock changes on every checkout while the rest
 * never does; {@link Catalog} keeps it.
 *
 * @param id the short id used in URLs, e.g. {@code p3}
 * @param sku the stock keeping unit; SKUs are case-insensitive
 * @param name what a customer sees
 * @param priceCents the list price of one unit in cents
 */
public record Product(String id, String sku, String name, long priceCents) {

  public Product {
    if (priceCents < 0) {
      throw new IllegalArgumentException("price of " + id + " is negative: " + priceCents);
    }
  }
}

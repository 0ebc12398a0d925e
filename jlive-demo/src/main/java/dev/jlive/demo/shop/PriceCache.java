package dev.jlive.demo.shop;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Memoises unit prices, because {@link Pricing#listPrice} is expensive.
 *
 * <p>Keys are SKUs. SKUs are case-insensitive (suppliers write them in different cases), so keys
 * are normalised to lower case in the root locale. Prices never change while the shop runs, so
 * entries are never evicted; the catalog is small and fixed.
 *
 * <p>Two threads that miss on the same key at once both evaluate the rules; the answer is the same,
 * and blocking one request behind another's 30 ms evaluation would be worse.
 */
public final class PriceCache {

  private final Map<String, Long> prices = new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** The unit price of a product in cents. */
  public long priceOf(Product product) {
    String key = product.sku();
    Long cached = prices.get(key);
    if (cached != null) {
      hits.increment();
      return cached;
    }
    misses.increment();
    long price = Pricing.listPrice(product);
    prices.put(key.toLowerCase(Locale.ROOT), price);
    return price;
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }
}

package dev.jlive.demo.shop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Placed orders and the counters over them.
 *
 * <p>Only the most recent {@value #KEPT} orders are kept: a load run that lasts hours places
 * millions, and the counters, not the old orders, are what the demo needs.
 */
final class Orders {

  static final int KEPT = 10_000;

  private final AtomicLong nextId = new AtomicLong();
  private final LongAdder placed = new LongAdder();
  private final LongAdder revenueCents = new LongAdder();

  // Ordered by placement, so that the eldest order is the one dropped.
  private final Map<String, Order> recent =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Order> eldest) {
          return size() > KEPT;
        }
      };

  Order place(Quote quote, long averageItemCents) {
    Order order =
        new Order(
            "o" + nextId.incrementAndGet(),
            quote.cartId(),
            quote.lines(),
            quote.itemCount(),
            quote.totalCents(),
            averageItemCents);
    synchronized (recent) {
      recent.put(order.id(), order);
    }
    placed.increment();
    revenueCents.add(order.totalCents());
    return order;
  }

  Optional<Order> find(String orderId) {
    synchronized (recent) {
      return Optional.ofNullable(recent.get(orderId));
    }
  }

  long placed() {
    return placed.sum();
  }

  long revenueCents() {
    return revenueCents.sum();
  }
}

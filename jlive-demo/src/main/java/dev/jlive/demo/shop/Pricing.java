package dev.jlive.demo.shop;

import java.util.concurrent.TimeUnit;

/**
 * How the shop prices things.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>The unit price of a product comes from the pricing rules ({@link #listPrice}). Evaluating
 *       them is expensive, like a call to a rules engine or a remote pricing service, which is why
 *       {@link PriceCache} exists.
 *   <li>A line of {@value #BULK_QUANTITY} or more units of one product gets a bulk discount of
 *       {@value #BULK_DISCOUNT_PERCENT}% off the line, rounded half up to the cent. Fewer units pay
 *       the full price.
 * </ul>
 */
public final class Pricing {

  /** The smallest quantity that gets the bulk discount. */
  public static final int BULK_QUANTITY = 10;

  public static final int BULK_DISCOUNT_PERCENT = 10;

  /** What one evaluation of the pricing rules costs; large enough to show up in latencies. */
  static final long LIST_PRICE_COST_MILLIS = 30;

  private Pricing() {}

  /**
   * The price of {@code quantity} units at {@code priceCents} each, after the bulk discount.
   *
   * @return the line total in cents
   */
  public static long discountedPrice(long priceCents, int quantity) {
    long gross = priceCents * quantity;
    if (quantity > BULK_QUANTITY) {
      return (gross * (100 - BULK_DISCOUNT_PERCENT) + 50) / 100;
    }
    return gross;
  }

  /**
   * Evaluates the pricing rules for one unit of a product. Takes about {@value
   * #LIST_PRICE_COST_MILLIS} ms; callers go through {@link PriceCache}.
   */
  static long listPrice(Product product) {
    // Stands in for the remote call; a sleep rather than a busy loop so the cost is the same on a
    // loaded machine and does not starve the load driver of CPU.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIST_PRICE_COST_MILLIS);
    boolean interrupted = false;
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        // Finish the evaluation (the answer is needed) but keep the interrupt for the caller.
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return product.priceCents();
  }
}

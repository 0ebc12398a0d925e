/**
 * The shop domain: catalog, carts, pricing, checkout and the counters that describe them.
 *
 * <p>Everything here is in memory and owned by one {@link dev.jlive.demo.shop.Shop}, so several
 * shops (one per embedded service in tests) never share state. Three methods carry deliberate bugs
 * for jlive to find and patch; {@code jlive-demo/BUGS.md} lists them.
 */
package dev.jlive.demo.shop;

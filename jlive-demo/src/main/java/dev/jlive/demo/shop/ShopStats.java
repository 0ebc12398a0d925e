package dev.jlive.demo.shop;

/** A snapshot of the shop's counters. Each counter is read on its own, so they may be skewed. */
public record ShopStats(
    long ordersPlaced,
    long revenueCents,
    long cartsCreated,
    int openCarts,
    long cacheHits,
    long cacheMisses) {}

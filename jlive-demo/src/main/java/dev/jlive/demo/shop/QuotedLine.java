package dev.jlive.demo.shop;

/** A cart line with its prices worked out. */
public record QuotedLine(Product product, int quantity, long unitPriceCents, long lineTotalCents) {}

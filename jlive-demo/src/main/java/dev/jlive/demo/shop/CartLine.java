package dev.jlive.demo.shop;

/** A product and how many units of it a cart holds. */
public record CartLine(String productId, int quantity) {}

package dev.jlive.demo.shop;

import java.util.LinkedHashMap;
import java.util.Map;

/** The twenty products every shop starts with. */
final class SeedCatalog {

  private SeedCatalog() {}

  static Catalog create() {
    // Ordered: the seeding order is the order the shop lists its products in.
    Map<Product, Integer> stock = new LinkedHashMap<>();
    add(stock, "p1", "mug-classic", "Classic mug", 899, 500);
    add(stock, "p2", "tee-logo-m", "Logo T-shirt (M)", 1999, 400);
    add(stock, "p3", "tee-logo-l", "Logo T-shirt (L)", 1999, 400);
    add(stock, "p4", "hoodie-grey", "Grey hoodie", 4499, 200);
    add(stock, "p5", "sticker-pack", "Sticker pack", 349, 2000);
    add(stock, "p6", "notebook-a5", "A5 notebook", 1250, 800);
    // SKUs come from several suppliers, and this one writes its SKUs in mixed case.
    add(stock, "p7", "cable-USB-C", "USB-C cable (1 m)", 1099, 1000);
    add(stock, "p8", "charger-65w", "65 W charger", 3999, 300);
    add(stock, "p9", "keyboard-tkl", "Tenkeyless keyboard", 8999, 150);
    add(stock, "p10", "mouse-wireless", "Wireless mouse", 2999, 300);
    add(stock, "p11", "desk-mat", "Desk mat", 2499, 250);
    add(stock, "p12", "bottle-steel", "Steel bottle", 1899, 600);
    add(stock, "p13", "cap-black", "Black cap", 1599, 350);
    add(stock, "p14", "socks-3pack", "Socks, pack of 3", 1299, 700);
    add(stock, "p15", "pen-set", "Pen set", 999, 900);
    add(stock, "p16", "lamp-led", "LED desk lamp", 3499, 180);
    add(stock, "p17", "headphones", "Over-ear headphones", 12999, 120);
    add(stock, "p18", "backpack", "Laptop backpack", 6999, 160);
    add(stock, "p19", "webcam-hd", "HD webcam", 5499, 140);
    add(stock, "p20", "poster-a2", "A2 poster", 1499, 450);
    return new Catalog(stock);
  }

  private static void add(
      Map<Product, Integer> stock, String id, String sku, String name, long cents, int units) {
    stock.put(new Product(id, sku, name, cents), units);
  }
}

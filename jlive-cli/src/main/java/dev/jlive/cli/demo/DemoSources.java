package dev.jlive.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The demo shop's sources that the tours patch with, shipped in this jar (see the pom), changed
 * here: the bulk-discount fix, and a checkout that breaks for some carts.
 */
final class DemoSources {
  /** The bulk-discount bug the tours fix. */
  static final String PRICING_BUG = "quantity > BULK_QUANTITY";

  static final String PRICING_FIX = "quantity >= BULK_QUANTITY";

  /** Where the broken checkout throws: before anything is taken from the cart. */
  private static final String CHECKOUT_ANCHOR = "      Quote quote = quoter.quote(cart);\n";

  /** What the broken checkout adds, shown by the fleet tour as the diff. */
  static final String CHECKOUT_BREAK =
      "      if (cart.lines().size() > 2) {\n"
          + "        throw new IllegalStateException(\"orders of more than two lines are not supported\");\n"
          + "      }\n";

  private DemoSources() {}

  /** The demo's Pricing.java with the bulk-discount bug fixed. */
  static Path fixedPricing() throws IOException {
    return changed("Pricing.java", PRICING_BUG, PRICING_FIX);
  }

  /**
   * The demo's Checkout.java with a check that throws for every cart of more than two lines: about
   * a quarter of the load's checkouts.
   */
  static Path brokenCheckout() throws IOException {
    return changed("Checkout.java", CHECKOUT_ANCHOR, CHECKOUT_BREAK + CHECKOUT_ANCHOR);
  }

  private static Path changed(String name, String from, String to) throws IOException {
    String source;
    try (InputStream in = DemoSources.class.getResourceAsStream("sources/" + name)) {
      if (in == null) {
        throw new IOException("this jlive was built without the demo's " + name);
      }
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!source.contains(from)) {
      throw new IOException(
          "the demo's " + name + " no longer contains what the tour changes (" + from.trim() + ")");
    }
    Path dir =
        Files.createTempDirectory(
            "jlive-demo-" + name.replace(".java", "").toLowerCase(Locale.ROOT));
    Path file = dir.resolve(name);
    Files.writeString(file, source.replace(from, to));
    file.toFile().deleteOnExit();
    dir.toFile().deleteOnExit();
    return file;
  }
}

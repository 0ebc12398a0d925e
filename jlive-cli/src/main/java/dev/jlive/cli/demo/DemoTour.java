package dev.jlive.cli.demo;

import dev.jlive.cli.JLiveCommand;
import dev.jlive.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code jlive demo}: starts the demo shop, then shows step by step what jlive does to a live
 * service, running the very commands an engineer would type. Every step's commands are real and
 * their exit codes are checked, so the tour doubles as an end-to-end smoke test.
 */
public final class DemoTour {
  private final PrintWriter out;
  private final boolean interactive;
  private final BufferedReader keyboard =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
  private int step;
  private final List<String> failures = new ArrayList<>();

  public DemoTour(PrintWriter out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  public int run() throws IOException, InterruptedException {
    out.println("jlive demo: a live shop service, changed on the fly without a restart.");
    out.println();
    try (DemoService shop = DemoService.start()) {
      String pid = Long.toString(shop.pid());
      section(
          "The service is up",
          "The demo shop runs as its own JVM (pid "
              + pid
              + ", port "
              + shop.port()
              + "). Two simulated shoppers keep it busy, so it holds in-memory state: carts, orders, a price cache.");
      String cart = cartId(show(shop, "POST", "/carts"));
      show(shop, "POST", "/carts/" + cart + "/items?product=p1&qty=2");
      show(shop, "POST", "/carts/" + cart + "/items?product=p2&qty=10");
      show(shop, "GET", "/stats");
      out.println(
          "Look at the second line: ten T-shirts at 1999 cost 19990, but the shop promises 10% off from ten units.");
      out.println(
          "A bug in a running service, with carts full of customers' state: exactly what jlive is for.");

      section("Find it", "jlive lists the JVMs on this machine; the shop has no agent yet.");
      jlive("ps");

      section(
          "Attach",
          "The agent loads into the running JVM: no restart, no flag at start-up. It opens a control "
              + "endpoint on loopback, protected by a token in a file only you can read.");
      jlive("attach", pid);
      jlive("attach", pid);

      section(
          "Look inside",
          "What runs in there: the JVM, the agent, the shop's classes and the methods you could probe or patch.");
      jlive("info", pid);
      jlive("classes", pid, "dev.jlive.demo..*");
      jlive("methods", pid, "dev.jlive.demo.shop.Pricing");

      section("Threads", "What a request thread of the shop is doing right now, with its locks.");
      jlive("threads", pid, "--grep", "jlive-demo-http-1$");

      section(
          "Bug 1: a wrong total",
          "A log probe on the pricing method shows every call's arguments and result, "
              + "taken from the running code (parameter names come from the class's debug information).");
      jlive(
          "probe",
          "add",
          pid,
          "dev.jlive.demo.shop.Pricing#discountedPrice",
          "--log",
          "price={priceCents} qty={quantity} -> {return}",
          "--at",
          "exit");
      String fresh = cartId(show(shop, "POST", "/carts"));
      show(shop, "POST", "/carts/" + fresh + "/items?product=p4&qty=11");
      show(shop, "POST", "/carts/" + fresh + "/items?product=p3&qty=10");
      jlive(
          "tail",
          pid,
          "p1",
          "--last",
          "1000",
          "--grep",
          "qty=1[01] ",
          "--count",
          "4",
          "--timeout",
          "10s");
      out.println(
          "qty=11 gets 10% off, qty=10 pays full price: the rule is \"from ten units\", the code says \"more than ten\".");

      section(
          "Bug 2: a slow path",
          "A metrics probe counts and times every call to the price cache, "
              + "without allocating anything on the way.");
      jlive("probe", "add", pid, "dev.jlive.demo.shop.PriceCache#priceOf", "--metrics");
      jlive(
          "probe",
          "add",
          pid,
          "dev.jlive.demo.shop.Pricing#listPrice",
          "--log",
          "computing the price of {product.sku}");
      pause("Letting the shoppers shop for three seconds", 3);
      jlive("metrics", pid, "p2");
      jlive("tail", pid, "p3", "--last", "200", "--count", "3", "--timeout", "10s");
      out.println(
          "p50 is microseconds, p99 tens of milliseconds: one product is never served from the cache. "
              + "Its SKU has capitals; the cache stores keys in lower case but looks them up as they are.");

      section(
          "Bug 3: an exception",
          "A capture probe at the exceptional exit takes a snapshot: arguments, the exception, "
              + "the fields of this, the stack.");
      jlive(
          "probe",
          "add",
          pid,
          "dev.jlive.demo.shop.Checkout#averageItemPriceCents",
          "--capture",
          "--at",
          "exception");
      String empty = cartId(show(shop, "POST", "/carts"));
      show(shop, "POST", "/carts/" + empty + "/checkout");
      jlive("tail", pid, "p4", "--last", "200", "--count", "1", "--timeout", "10s");
      out.println("An empty cart divides by its item count, zero.");

      section(
          "Fix bug 1 while it runs",
          "The fix is one character in Pricing.java: >= instead of >. "
              + "jlive compiles the class inside the JVM, against the very classes it runs, checks that only method bodies change, "
              + "and swaps the code. No restart: carts, orders and caches stay.");
      Path fixed = DemoSources.fixedPricing();
      out.println("    - if (quantity > BULK_QUANTITY) {");
      out.println("    + if (quantity >= BULK_QUANTITY) {");
      out.println();
      jlive("patch", pid, fixed.toString(), "--dry-run");
      jlive("patch", pid, fixed.toString());
      show(shop, "GET", "/carts/" + cart);
      out.println(
          "The cart from the start of the tour is still there, and its ten T-shirts now get their discount (17991, not 19990).");
      jlive("diff", pid, "x1");

      section(
          "What changed",
          "Every probe and patch is a change, with who made it and what became of it. "
              + "Probes have budgets (a time to live, a rate limit, a CPU cap) and turn themselves off when over them.");
      jlive("probe", "list", pid);
      jlive("changes", pid);
      jlive("probe", "rm", pid, "--all");
      jlive("revert", pid, "x1");
      show(shop, "GET", "/carts/" + cart);
      out.println(
          "Reverted: the running code is the deployed code again, bug included, and the cart is still there.");

      section("Nothing was lost", "The state the shop built up before the attach is still there.");
      show(shop, "GET", "/carts/" + cart);
      show(shop, "GET", "/stats");

      section(
          "Detach",
          "The agent leaves without a trace: endpoint closed, discovery file removed, its class loader freed.");
      jlive("detach", pid);
      jlive("ps");
    }
    out.println();
    if (failures.isEmpty()) {
      out.println(
          "Tour complete. Next: `jlive help` lists every command; the README explains each.");
      out.flush();
      return 0;
    }
    out.println("Tour finished with failures: " + String.join("; ", failures));
    out.flush();
    return 1;
  }

  private void section(String title, String explanation) throws IOException {
    step++;
    out.println();
    out.println("── " + step + ". " + title + " " + "─".repeat(Math.max(3, 60 - title.length())));
    out.println(explanation);
    out.println();
    out.flush();
    if (interactive) {
      out.print("[press Enter] ");
      out.flush();
      keyboard.readLine();
    }
  }

  private void pause(String what, int seconds) throws InterruptedException {
    out.println(what + " ...");
    out.flush();
    // A demo waits for real traffic to build up; nothing here is a test.
    Thread.sleep(seconds * 1000L);
  }

  private String show(DemoService shop, String method, String path)
      throws IOException, InterruptedException {
    out.println("$ curl -X " + method + " 'http://127.0.0.1:" + shop.port() + path + "'");
    String answer = shop.call(method, path);
    out.println(answer);
    out.flush();
    return answer;
  }

  private void jlive(String... args) {
    out.println("$ jlive " + String.join(" ", args));
    out.flush();
    PrintStream stream = new PrintStream(new WriterOutputStream(out), true, StandardCharsets.UTF_8);
    int exit = JLiveCommand.run(args, stream, stream);
    stream.flush();
    if (exit != 0) {
      failures.add("`jlive " + String.join(" ", args) + "` exited with " + exit);
    }
    out.println();
    out.flush();
  }

  static String cartId(String response) {
    String body = response.substring(response.indexOf(' ') + 1);
    Map<String, Object> cart = Json.parseObject(body);
    return String.valueOf(cart.get("id"));
  }
}

package dev.jlive.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few requests of the demo shop the patch benchmarks make: a cart with ten units of one
 * product, whose total shows which {@code Pricing#discountedPrice} runs (bug 1 of {@code
 * jlive-demo/BUGS.md}: 19990 with the bug, 17991 fixed). Keep-alive connections ({@link
 * HttpURLConnection} reuses them when the body is read to the end), so a poll is one request on an
 * open connection.
 */
public final class DemoClient {
  /** Ten units of p2 at 1999: the quantity at which the bug shows. */
  static final String PRODUCT = "p2";

  static final int QUANTITY = 10;
  static final long BUGGY_TOTAL = 19990;
  static final long FIXED_TOTAL = 17991;

  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
  private static final Pattern TOTAL = Pattern.compile("\"total\":(-?\\d+)");
  private static final int TIMEOUT_MILLIS = 30_000;

  private final String base;

  public DemoClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** Creates a cart with {@value #QUANTITY} units of {@value #PRODUCT} and returns its id. */
  public String bulkCart() throws IOException {
    Matcher id = ID.matcher(request("POST", "/carts"));
    if (!id.find()) {
      throw new IOException("POST /carts answered without an id");
    }
    String cart = id.group(1);
    request("POST", "/carts/" + cart + "/items?product=" + PRODUCT + "&qty=" + QUANTITY);
    return cart;
  }

  /**
   * {@code GET /carts/{id}}: the cart's total in cents, which runs {@code Pricing#discountedPrice}.
   */
  public long total(String cart) throws IOException {
    String body = request("GET", "/carts/" + cart);
    Matcher total = TOTAL.matcher(body);
    if (!total.find()) {
      throw new IOException("GET /carts/" + cart + " answered without a total: " + body);
    }
    return Long.parseLong(total.group(1));
  }

  private String request(String method, String path) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(base + path).toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(TIMEOUT_MILLIS);
    connection.setReadTimeout(TIMEOUT_MILLIS);
    if (method.equals("POST")) {
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(0);
      connection.getOutputStream().close();
    }
    int status = connection.getResponseCode();
    InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
    String text = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    if (stream != null) {
      stream.close();
    }
    if (status >= 500) {
      throw new ServerError(method + " " + path + " answered " + status + ": " + text);
    }
    if (status >= 400) {
      throw new IOException(method + " " + path + " answered " + status + ": " + text);
    }
    return text;
  }

  /** The shop failed a request (5xx): something threw inside it. The connection stays usable. */
  static final class ServerError extends IOException {
    private static final long serialVersionUID = 1L;

    ServerError(String message) {
      super(message);
    }
  }
}

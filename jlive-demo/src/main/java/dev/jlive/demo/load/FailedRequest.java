package dev.jlive.demo.load;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;

/**
 * A request the shop did not answer, as the load driver prints it: when, after how long, which
 * request and why, so that a failure can be laid beside whatever else happened to the service at
 * that moment.
 *
 * <pre>
 * load failed at=1764612345678 after_ms=10003 request=POST /carts reason=timeout detail=java.net.http.HttpTimeoutException: request timed out
 * </pre>
 *
 * @param atMillis the wall-clock time the failure was seen, in milliseconds since the epoch
 * @param afterMillis how long the request had been under way
 * @param reason {@code timeout} (no answer within {@link ShopClient#REQUEST_TIMEOUT}), {@code
 *     connect-timeout}, {@code refused}, {@code reset} (the connection was reset or closed under
 *     the request) or {@code io} (another I/O failure)
 */
record FailedRequest(
    long atMillis, long afterMillis, String request, String reason, String detail) {
  static final String PREFIX = "load failed ";

  /**
   * A request sent again once because the client itself dropped its connection: see {@link
   * #droppedByTheClientPool}.
   */
  static final String RETRIED = "load retried ";

  static FailedRequest of(
      long afterMillis, String method, String pathAndQuery, IOException failure) {
    return new FailedRequest(
        System.currentTimeMillis(),
        afterMillis,
        method + " " + pathAndQuery,
        reason(failure),
        describe(failure));
  }

  static String reason(IOException failure) {
    if (failure instanceof HttpConnectTimeoutException) {
      return "connect-timeout";
    }
    if (failure instanceof HttpTimeoutException) {
      return "timeout";
    }
    if (failure instanceof ConnectException || failure.getCause() instanceof ConnectException) {
      return "refused";
    }
    String text = describe(failure).toLowerCase(Locale.ROOT);
    if (text.contains("reset")
        || text.contains("closed")
        || text.contains("eof")
        || text.contains("received no bytes")
        || text.contains("broken pipe")) {
      return "reset";
    }
    return "io";
  }

  /**
   * Whether the JDK's HTTP client closed the connection under the request itself: bytes arrived on
   * the keep-alive connection while it sat in the client's pool, and the pool's clean-up closed it
   * after it had already been handed to this request ("Data received while in pool", then
   * "Unexpected cleanup triggered for non pooled connection" on Java 25; Java 17 says only
   * "connection closed locally"). The client retries idempotent requests after this on its own; the
   * driver does the same for the others, once, and says so.
   */
  static boolean droppedByTheClientPool(IOException failure) {
    String chain = describe(failure);
    return chain.contains("while in pool") || chain.contains("connection closed locally");
  }

  /** The failure and its causes on one line: the HTTP client wraps the socket's own exception. */
  private static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = failure;
        cause != null && text.length() < 500;
        cause = cause.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(cause.getClass().getName()).append(": ").append(cause.getMessage());
      if (cause.getCause() == cause) {
        break;
      }
    }
    return text.toString().replace('\n', ' ');
  }

  String line() {
    return line(PREFIX);
  }

  String line(String prefix) {
    return prefix
        + "at="
        + atMillis
        + " after_ms="
        + afterMillis
        + " request="
        + request
        + " reason="
        + reason
        + " detail="
        + detail;
  }
}

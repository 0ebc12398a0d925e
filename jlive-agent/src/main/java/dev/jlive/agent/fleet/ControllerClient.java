package dev.jlive.agent.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * JSON over HTTP to the controller, with {@link HttpURLConnection}: it is in every runtime image
 * with {@code java.base}, and used this way it takes nothing of the application's network set-up.
 * {@link Proxy#NO_PROXY} bypasses the proxy settings and selector, a private {@link Authenticator}
 * the application's default one, no caches are used, and each request closes its connection, so no
 * keep-alive connection or timer thread outlives the agent.
 */
final class ControllerClient {
  private static final Authenticator NONE =
      new Authenticator() {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
          return null;
        }
      };

  private final URI base;
  private final String token;
  private final SSLSocketFactory tls;

  /** The request in flight, so that stopping can close it instead of waiting out a long poll. */
  private volatile HttpURLConnection current;

  private volatile boolean closed;

  ControllerClient(URI base, String token) {
    this(base, token, null);
  }

  /**
   * @param tls the socket factory for https (trusting the controllerTrustStore), or null for the
   *     JVM's default
   */
  ControllerClient(URI base, String token, SSLSocketFactory tls) {
    this.base = base;
    this.token = token;
    this.tls = tls;
  }

  /**
   * Posts {@code body} to {@code path}.
   *
   * @throws IOException when the controller cannot be reached or the connection breaks
   * @throws JLiveException when the controller answers with an error
   */
  Map<String, Object> post(
      String path, Map<String, Object> body, int connectTimeoutMillis, int readTimeoutMillis)
      throws IOException {
    if (closed) {
      throw new IOException("the controller link is closed");
    }
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(base + path).toURL().openConnection(Proxy.NO_PROXY);
    try {
      if (tls != null && connection instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(tls);
      }
      connection.setAuthenticator(NONE);
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setUseCaches(false);
      connection.setInstanceFollowRedirects(false);
      connection.setConnectTimeout(connectTimeoutMillis);
      connection.setReadTimeout(readTimeoutMillis);
      connection.setRequestProperty("Authorization", "Bearer " + token);
      connection.setRequestProperty("Content-Type", "application/json; charset=utf-8");
      connection.setRequestProperty("Accept", "application/json");
      connection.setRequestProperty("Connection", "close");
      connection.setRequestProperty("User-Agent", "jlive-agent/" + Version.current());
      byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
      // Not in streaming mode: there, a 401 ends in an HttpRetryException and the controller's
      // error body is lost.
      current = connection;
      if (closed) {
        throw new IOException("the controller link is closed");
      }
      try (OutputStream out = connection.getOutputStream()) {
        out.write(bytes);
      }
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      String text = "";
      if (in != null) {
        try (in) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      if (status >= 400 || status < 200) {
        throw error(path, status, text);
      }
      try {
        return Json.parseObject(text);
      } catch (IllegalArgumentException e) {
        throw new JLiveException(
            ErrorCode.INTERNAL_ERROR,
            "the controller's answer to " + path + " is not JSON: " + e.getMessage(),
            "check that controller= names a jlive controller, not another server");
      }
    } finally {
      current = null;
      connection.disconnect();
    }
  }

  /** Breaks the request in flight, if any, and refuses new ones. */
  void close() {
    closed = true;
    HttpURLConnection connection = current;
    if (connection != null) {
      connection.disconnect();
    }
  }

  private static JLiveException error(String path, int status, String text) {
    JLiveException error = null;
    try {
      error = JLiveException.fromJson(Json.parseObject(text));
    } catch (RuntimeException notJson) {
      // described below
    }
    if (error != null) {
      return error;
    }
    String snippet = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return new JLiveException(
        status == 401 ? ErrorCode.UNAUTHORIZED : ErrorCode.INTERNAL_ERROR,
        "the controller answered "
            + path
            + " with HTTP "
            + status
            + (snippet.isBlank() ? "" : ": " + snippet.strip()),
        status == 401
            ? "check the controller token (controllerTokenFile or JLIVE_CONTROLLER_TOKEN)"
            : "check that controller= names a jlive controller, not another server");
  }
}

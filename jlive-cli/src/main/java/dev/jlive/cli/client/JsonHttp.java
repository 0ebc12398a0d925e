package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;

/**
 * JSON over HTTP with a bearer token and the caller's name, the plumbing the agent and controller
 * clients share: building requests, and turning a failed exchange into a {@link CliException}. What
 * an answer's status means stays with each client.
 */
final class JsonHttp {
  /**
   * What to tell the user when the other side cannot be reached.
   *
   * @param who the other side, e.g. "the agent of pid 42"
   * @param unreachable what to do when the connection is refused or times out
   * @param timeout what to do when a request gets no answer in time
   * @param lost what to do when the connection breaks mid-request
   */
  record Hints(String who, String unreachable, String timeout, String lost) {}

  private final HttpClient http;
  private final Duration requestTimeout;
  private final String token;
  private final Hints hints;

  JsonHttp(Duration requestTimeout, String token, Hints hints) {
    this(requestTimeout, token, hints, null);
  }

  /** With {@code tls} (null for the JVM's default) for https. */
  JsonHttp(Duration requestTimeout, String token, Hints hints, SSLContext tls) {
    // A trust store of its own makes a client of its own; otherwise the shell's session client
    // (or a new one) serves.
    this.http =
        tls == null
            ? HttpClients.current()
            : HttpClient.newBuilder()
                .connectTimeout(HttpClients.CONNECT_TIMEOUT)
                .sslContext(tls)
                .build();
    this.requestTimeout = requestTimeout;
    this.token = token;
    this.hints = hints;
  }

  HttpRequest get(String url, Map<String, String> query) {
    return request(url + queryString(query)).GET().build();
  }

  HttpRequest post(String url, Map<String, Object> body) {
    return request(url)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
        .build();
  }

  HttpRequest put(String url, Map<String, Object> body) {
    return request(url)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body)))
        .build();
  }

  HttpRequest delete(String url, Map<String, String> query) {
    return request(url + queryString(query)).DELETE().build();
  }

  /** Sends; every failure to get an answer at all becomes a {@link CliException} with a hint. */
  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new CliException(
          ExitCode.UNREACHABLE,
          "UNREACHABLE",
          "cannot reach "
              + hints.who()
              + ": "
              + (e.getMessage() == null ? "connection refused" : e.getMessage()),
          hints.unreachable());
    } catch (HttpTimeoutException e) {
      throw new CliException(
          ExitCode.UNREACHABLE,
          "TIMEOUT",
          hints.who() + " did not answer within " + requestTimeout.toSeconds() + " s",
          hints.timeout());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.UNREACHABLE,
          "UNREACHABLE",
          "lost the connection to " + hints.who() + ": " + e,
          hints.lost());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(
          ExitCode.ERROR, "INTERRUPTED", "interrupted while waiting for " + hints.who(), "");
    }
  }

  /** The answer as a JSON object, or null if it is not one. */
  static Map<String, Object> parse(HttpResponse<String> response) {
    try {
      return Json.parseObject(response.body());
    } catch (IllegalArgumentException | ClassCastException e) {
      return null;
    }
  }

  private HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(requestTimeout)
        .header(Api.AUTHORIZATION, Api.BEARER + token)
        .header(Api.USER_HEADER, System.getProperty("user.name", "unknown"));
  }

  private static String queryString(Map<String, String> query) {
    StringJoiner joined = new StringJoiner("&", "?", "");
    joined.setEmptyValue("");
    query.forEach(
        (key, value) -> {
          if (value != null) {
            joined.add(
                URLEncoder.encode(key, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8));
          }
        });
    return joined.toString();
  }
}

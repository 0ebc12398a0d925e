package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
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

/**
 * Talks JSON to the jlive controller (see {@link FleetApi}) and turns every failure into a
 * {@link CliException}: unreachable (6), token refused (7), an error answer (8, with the
 * controller's own code, message and hint).
 */
public final class ControllerClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final ControllerEndpoint endpoint;
  private final HttpClient http;

  public ControllerClient(ControllerEndpoint endpoint) {
    this.endpoint = endpoint;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  public ControllerEndpoint endpoint() {
    return endpoint;
  }

  public Map<String, Object> get(String path, Map<String, String> query) {
    return send(request(path + queryString(query)).GET().build());
  }

  public Map<String, Object> post(String path, Map<String, Object> body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
  }

  public Map<String, Object> delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** A path segment made safe for a URL (service names and label keys are already; change ids may not be). */
  public static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(endpoint.base() + pathAndQuery))
        .timeout(REQUEST_TIMEOUT)
        .header(Api.AUTHORIZATION, Api.BEARER + endpoint.token())
        .header(Api.USER_HEADER, System.getProperty("user.name", "unknown"));
  }

  private Map<String, Object> send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new CliException(ExitCode.UNREACHABLE, "UNREACHABLE", "cannot reach " + endpoint.describe() + ": "
          + (e.getMessage() == null ? "connection refused" : e.getMessage()),
          "check --controller (or $" + FleetApi.ENV_CONTROLLER + ") and that `jlive controller start` runs there");
    } catch (HttpTimeoutException e) {
      throw new CliException(ExitCode.UNREACHABLE, "TIMEOUT", endpoint.describe() + " did not answer within "
          + REQUEST_TIMEOUT.toSeconds() + " s", "the controller may be overloaded; `GET /v1/health` tells whether ZooKeeper is connected");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNREACHABLE, "UNREACHABLE", "lost the connection to " + endpoint.describe() + ": " + e,
          "check that the controller is still running");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.ERROR, "INTERRUPTED", "interrupted while waiting for " + endpoint.describe(), "");
    }
    if (response.statusCode() == 401) {
      throw new CliException(ExitCode.UNAUTHORIZED, "UNAUTHORIZED", endpoint.describe() + " refused the token",
          "use the token the controller wrote to <data dir>/token (--controller-token-file, $"
              + FleetApi.ENV_CONTROLLER_TOKEN + " or $" + FleetApi.ENV_CONTROLLER_TOKEN_FILE + ")");
    }
    Map<String, Object> body = parse(response);
    if (response.statusCode() >= 400) {
      if (body != null && body.get("error") instanceof Map<?, ?> error) {
        String code = error.get("code") == null ? "HTTP_" + response.statusCode() : String.valueOf(error.get("code"));
        String hint = error.get("hint") == null || String.valueOf(error.get("hint")).isEmpty() ? defaultHint(code)
            : String.valueOf(error.get("hint"));
        throw new CliException(ExitCode.AGENT_ERROR, code, String.valueOf(error.get("message")), hint);
      }
      throw new CliException(ExitCode.AGENT_ERROR, "HTTP_" + response.statusCode(),
          endpoint.describe() + " answered HTTP " + response.statusCode() + (response.statusCode() == 404 ? " (no such path)" : ""),
          "is " + endpoint.base() + " really a jlive controller, of a version that knows this request?");
    }
    if (body == null) {
      throw notJson(response);
    }
    return body;
  }

  private static String defaultHint(String code) {
    switch (code) {
      case "UNKNOWN_SERVICE":
        return "`jlive services` lists the services the controller knows";
      case "UNKNOWN_CHANGE":
        return "`jlive changes --service NAME` lists the service's changes";
      case "NO_MATCHING_PROCESS":
        return "`jlive processes NAME` shows the live processes and their labels";
      case "STORE_UNAVAILABLE":
        return "the controller cannot reach ZooKeeper; changes can be made again once it can";
      default:
        return "";
    }
  }

  /** The answer as a JSON object, or null if it is not one. */
  private static Map<String, Object> parse(HttpResponse<String> response) {
    try {
      return Json.parseObject(response.body());
    } catch (IllegalArgumentException | ClassCastException e) {
      return null;
    }
  }

  private CliException notJson(HttpResponse<String> response) {
    return new CliException(ExitCode.AGENT_ERROR, "INTERNAL_ERROR", endpoint.describe()
        + " answered HTTP " + response.statusCode() + " with something that is not JSON",
        "is " + endpoint.base() + " really a jlive controller?");
  }

  private static String queryString(Map<String, String> query) {
    StringJoiner joined = new StringJoiner("&", "?", "");
    joined.setEmptyValue("");
    query.forEach((key, value) -> {
      if (value != null) {
        joined.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    });
    return joined.toString();
  }
}

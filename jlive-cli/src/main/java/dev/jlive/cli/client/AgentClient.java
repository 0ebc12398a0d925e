package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
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

/** Talks JSON to one agent's control endpoint and turns every failure into a {@link CliException}. */
public final class AgentClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final Endpoint endpoint;
  private final HttpClient http;

  public AgentClient(Endpoint endpoint) {
    this.endpoint = endpoint;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public Map<String, Object> get(String path, Map<String, String> query) {
    return send(request(path + queryString(query)).GET().build());
  }

  public Map<String, Object> post(String path, Map<String, Object> body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
  }

  public Map<String, Object> delete(String path, Map<String, String> query) {
    return send(request(path + queryString(query)).DELETE().build());
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://" + hostForUri() + ":" + endpoint.port() + pathAndQuery))
        .timeout(REQUEST_TIMEOUT)
        .header(Api.AUTHORIZATION, Api.BEARER + endpoint.token())
        .header(Api.USER_HEADER, System.getProperty("user.name", "unknown"));
  }

  private String hostForUri() {
    String host = endpoint.host();
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private Map<String, Object> send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new CliException(ExitCode.UNREACHABLE, "UNREACHABLE", "cannot reach " + endpoint.describe() + ": "
          + (e.getMessage() == null ? "connection refused" : e.getMessage()),
          endpoint.pid() >= 0 ? "the agent may have stopped; run `jlive attach " + endpoint.pid() + "` again"
              : "check host and port, and that a tunnel to the agent's loopback port is open");
    } catch (HttpTimeoutException e) {
      throw new CliException(ExitCode.UNREACHABLE, "TIMEOUT", endpoint.describe() + " did not answer within "
          + REQUEST_TIMEOUT.toSeconds() + " s", "the JVM may be overloaded or paused; `jlive threads` shows what it does");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNREACHABLE, "UNREACHABLE", "lost the connection to " + endpoint.describe() + ": " + e,
          "check that the JVM is still running");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.ERROR, "INTERRUPTED", "interrupted while waiting for " + endpoint.describe(), "");
    }
    Map<String, Object> body = parse(response);
    if (response.statusCode() == 401) {
      throw new CliException(ExitCode.UNAUTHORIZED, "UNAUTHORIZED", endpoint.describe() + " refused the token",
          endpoint.pid() >= 0 ? "the discovery file may be stale; run `jlive attach " + endpoint.pid() + "` again"
              : "--token-file must hold the token from the agent's discovery file");
    }
    if (response.statusCode() >= 400) {
      JLiveException error = JLiveException.fromJson(body);
      if (error == null) {
        throw new CliException(ExitCode.AGENT_ERROR, "HTTP_" + response.statusCode(),
            endpoint.describe() + " answered HTTP " + response.statusCode(), "");
      }
      throw new CliException(ExitCode.AGENT_ERROR, error.code().name(), error.getMessage(), error.hint());
    }
    return body;
  }

  private Map<String, Object> parse(HttpResponse<String> response) {
    try {
      return Json.parseObject(response.body());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.AGENT_ERROR, ErrorCode.INTERNAL_ERROR.name(), endpoint.describe()
          + " answered HTTP " + response.statusCode() + " with something that is not JSON",
          "is " + endpoint.address() + " really a jlive agent?");
    }
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringJoiner joined = new StringJoiner("&", "?", "");
    query.forEach((key, value) -> {
      if (value != null) {
        joined.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    });
    return joined.toString();
  }
}

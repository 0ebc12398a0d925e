package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Talks JSON to one agent's control endpoint and turns every failure into a {@link CliException}.
 */
public final class AgentClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final Endpoint endpoint;
  private final JsonHttp http;

  public AgentClient(Endpoint endpoint) {
    this.endpoint = endpoint;
    this.http =
        new JsonHttp(
            REQUEST_TIMEOUT,
            endpoint.token(),
            new JsonHttp.Hints(
                endpoint.describe(),
                endpoint.pid() >= 0
                    ? "the agent may have stopped; run `jlive attach " + endpoint.pid() + "` again"
                    : "check host and port, and that a tunnel to the agent's loopback port is open",
                "the JVM may be overloaded or paused; `jlive threads` shows what it does",
                "check that the JVM is still running"));
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public Map<String, Object> get(String path, Map<String, String> query) {
    return send(http.get(base() + path, query));
  }

  public Map<String, Object> post(String path, Map<String, Object> body) {
    return send(http.post(base() + path, body));
  }

  public Map<String, Object> delete(String path, Map<String, String> query) {
    return send(http.delete(base() + path, query));
  }

  /**
   * An answer read as its type (e.g. {@code RuntimeInfo::fromWire}); one this version cannot read
   * is the agent's error.
   */
  public <T> T get(String path, Map<String, String> query, Function<Object, T> reader) {
    return read(get(path, query), reader);
  }

  public <T> T post(String path, Map<String, Object> body, Function<Object, T> reader) {
    return read(post(path, body), reader);
  }

  public <T> T delete(String path, Map<String, String> query, Function<Object, T> reader) {
    return read(delete(path, query), reader);
  }

  /** Reads an answer already received, for one that may be of several types. */
  public <T> T read(Map<String, Object> answer, Function<Object, T> reader) {
    try {
      return reader.apply(answer);
    } catch (JLiveException e) {
      throw new CliException(
          ExitCode.AGENT_ERROR,
          "BAD_ANSWER",
          endpoint.describe() + " answered in a form this jlive cannot read: " + e.getMessage(),
          "the agent may be of another jlive version (`jlive attach` names it); " + e.hint());
    }
  }

  private String base() {
    String host = endpoint.host();
    return "http://"
        + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
        + ":"
        + endpoint.port();
  }

  private Map<String, Object> send(HttpRequest request) {
    HttpResponse<String> response = http.send(request);
    Map<String, Object> body = JsonHttp.parse(response);
    if (body == null) {
      throw new CliException(
          ExitCode.AGENT_ERROR,
          ErrorCode.INTERNAL_ERROR.name(),
          endpoint.describe()
              + " answered HTTP "
              + response.statusCode()
              + " with something that is not JSON",
          "is " + endpoint.address() + " really a jlive agent?");
    }
    if (response.statusCode() == 401) {
      throw new CliException(
          ExitCode.UNAUTHORIZED,
          "UNAUTHORIZED",
          endpoint.describe() + " refused the token",
          endpoint.pid() >= 0
              ? "the discovery file may be stale; run `jlive attach " + endpoint.pid() + "` again"
              : "--token-file must hold the token from the agent's discovery file");
    }
    if (response.statusCode() >= 400) {
      JLiveException error = JLiveException.fromJson(body);
      if (error == null) {
        throw new CliException(
            ExitCode.AGENT_ERROR,
            "HTTP_" + response.statusCode(),
            endpoint.describe() + " answered HTTP " + response.statusCode(),
            "");
      }
      throw new CliException(
          ExitCode.AGENT_ERROR, error.code().name(), error.getMessage(), error.hint());
    }
    return body;
  }
}

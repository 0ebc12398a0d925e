package dev.jlive.it.support;

import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Raw requests to an agent's endpoint, for what the CLI does not show (bytecode digests, Prometheus
 * text).
 */
public final class AgentHttp {
  private final Discovery discovery;
  private final HttpClient http = HttpClient.newHttpClient();

  private AgentHttp(Discovery discovery) {
    this.discovery = discovery;
  }

  public static AgentHttp of(long pid) throws IOException {
    return new AgentHttp(
        Discovery.read(Artifacts.runtimeDir(), pid)
            .orElseThrow(() -> new IllegalStateException("no agent in " + pid)));
  }

  public String text(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + discovery.port() + pathAndQuery))
                .header("Authorization", "Bearer " + discovery.token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  public Map<String, Object> json(String pathAndQuery) throws IOException, InterruptedException {
    return Json.parseObject(text(pathAndQuery));
  }

  /** The SHA-256 of the bytes the class runs now. */
  public String digest(String className) throws IOException, InterruptedException {
    return (String) json("/v1/bytecode?class=" + className).get("sha256");
  }
}

package dev.jlive.bench.scale;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The controller's user API, as {@code jlive ... --service} calls it: one blocking request at a
 * time.
 */
final class UserApi {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI controller;
  private final String token;

  UserApi(URI controller, String token) {
    this.controller = controller;
    this.token = token;
  }

  record Answer(int status, Map<String, Object> body) {}

  Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  Answer post(String path, Map<String, Object> body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  Answer put(String path, Map<String, Object> body) throws IOException, InterruptedException {
    return send("PUT", path, body);
  }

  Answer delete(String path) throws IOException, InterruptedException {
    return send("DELETE", path, null);
  }

  /** The answer's body, or an exception with the status and body when it is not 2xx. */
  Map<String, Object> ok(Answer answer, String what) throws IOException {
    if (answer.status() / 100 != 2) {
      throw new IOException(
          what + " answered " + answer.status() + ": " + Json.write(answer.body()));
    }
    return answer.body();
  }

  private Answer send(String method, String path, Map<String, Object> body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(controller.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header(Api.AUTHORIZATION, Api.BEARER + token)
            .header(Api.USER_HEADER, "fleet-scale")
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    String text = response.body();
    return new Answer(
        response.statusCode(), text == null || text.isBlank() ? Map.of() : Json.parseObject(text));
  }
}

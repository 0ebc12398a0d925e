package dev.jlive.controller;

import dev.jlive.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A plain HTTP client for tests: speaks to a controller as an agent or a user would. */
final class Http {
  private final HttpClient client = HttpClient.newHttpClient();
  private final String url;
  private final String token;

  Http(String url, String token) {
    this.url = url;
    this.token = token;
  }

  record Answer(int status, Map<String, Object> body) {}

  Answer get(String path) {
    return join(send("GET", path, null));
  }

  Answer post(String path, Map<String, Object> body) {
    return join(send("POST", path, body));
  }

  Answer delete(String path) {
    return join(send("DELETE", path, null));
  }

  CompletableFuture<Answer> send(String method, String path, Map<String, Object> body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .header("X-JLive-User", "tester")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> new Answer(response.statusCode(), Json.parseObject(response.body())));
  }

  /** One field of every object in a JSON list. */
  static List<Object> field(Object list, String key) {
    return ((List<?>) list)
        .stream().map(item -> (Object) String.valueOf(((Map<?, ?>) item).get(key))).toList();
  }

  private static Answer join(CompletableFuture<Answer> future) {
    return future.join();
  }
}

package dev.jlive.controller;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A plain HTTP client for tests: speaks to a controller as an agent or a user would. Made by {@link
 * #asAdminAndAgent}, it sends the agent protocol with an agent's token and everything else with the
 * admin's, as a real fleet does.
 */
final class Http {
  private final HttpClient client = HttpClient.newHttpClient();
  private final String url;
  private final String token;
  private final String agentToken;

  /** Sends every request with {@code token}. */
  Http(String url, String token) {
    this(url, token, token);
  }

  private Http(String url, String token, String agentToken) {
    this.url = url;
    this.token = token;
    this.agentToken = agentToken;
  }

  /**
   * The controller's admin for the user API, and a new user with {@code agent} (every service) for
   * the agent protocol.
   */
  static Http asAdminAndAgent(Controller controller) {
    return asAdminAndAgent(controller, controller.token());
  }

  /** The same, for a controller that joined an ensemble whose admin is another's token. */
  static Http asAdminAndAgent(Controller controller, String adminToken) {
    Http admin = new Http(controller.url(), adminToken);
    return new Http(controller.url(), adminToken, admin.newUser("agent"));
  }

  /** Makes a user with these roles through the API and answers its token. */
  String newUser(String... roles) {
    String name = "user-" + UUID.randomUUID().toString().substring(0, 8);
    Answer added = post(FleetApi.USERS, Map.of("name", name, "roles", List.of(roles)));
    if (added.status() != 201) {
      throw new IllegalStateException("could not add a user: " + added.body());
    }
    return String.valueOf(added.body().get("token"));
  }

  record Answer(int status, Map<String, Object> body) {}

  Answer get(String path) {
    return join(send("GET", path, null));
  }

  Answer post(String path, Map<String, Object> body) {
    return join(send("POST", path, body));
  }

  /** Syncs as the agent of {@code process} does to hand over its probes' {@code events}. */
  Answer syncEvents(String process, List<Map<String, Object>> events) {
    return post(FleetApi.SYNC, Map.of("process", process, "desiredVersion", -1, "events", events));
  }

  Answer delete(String path) {
    return join(send("DELETE", path, null));
  }

  CompletableFuture<Answer> send(String method, String path, Map<String, Object> body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(60))
            .header(
                "Authorization", "Bearer " + (path.startsWith("/v1/agents/") ? agentToken : token))
            // Ignored by the controller: the author is the token's user.
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

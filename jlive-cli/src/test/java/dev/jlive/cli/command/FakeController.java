package dev.jlive.cli.command;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the controller: answers each "METHOD /path" with recorded JSON (a queue of
 * answers, the last one repeated), and remembers every request the CLI sent.
 */
final class FakeController implements AutoCloseable {
  record Request(
      String method, String path, String query, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .map(entry -> entry.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  record Answer(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeController() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String method = exchange.getRequestMethod();
          String path = exchange.getRequestURI().getRawPath();
          requests.add(
              new Request(
                  method,
                  path,
                  exchange.getRequestURI().getRawQuery(),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          Answer answer = next(method + " " + path);
          byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(answer.status(), bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Answers {@code "METHOD /path"} with these JSON bodies in turn (HTTP 200), repeating the last.
   */
  FakeController on(String route, String... bodies) {
    Deque<Answer> queue = answers.computeIfAbsent(route, key -> new ArrayDeque<>());
    for (String body : bodies) {
      queue.add(new Answer(200, body));
    }
    return this;
  }

  FakeController onStatus(String route, int status, String body) {
    answers.computeIfAbsent(route, key -> new ArrayDeque<>()).add(new Answer(status, body));
    return this;
  }

  private synchronized Answer next(String route) {
    Deque<Answer> queue = answers.get(route);
    if (queue == null || queue.isEmpty()) {
      return new Answer(
          404,
          "{\"error\":{\"code\":\"UNKNOWN_ENDPOINT\",\"message\":\"no answer recorded for "
              + route
              + "\",\"hint\":\"\"}}");
    }
    return queue.size() > 1 ? queue.poll() : queue.peek();
  }

  List<Request> requests(String method, String path) {
    return requests.stream()
        .filter(request -> request.method().equals(method) && request.path().equals(path))
        .toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.jlive.demo.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Dispatches each exchange to the endpoint whose method and path match, and always answers: a
 * failing endpoint gets a JSON error from the {@link ErrorFence}, never a dropped connection.
 */
final class Router implements HttpHandler {

  private static final System.Logger LOG = System.getLogger(Router.class.getName());

  private record Route(String method, PathPattern pattern, Endpoint endpoint) {}

  private final List<Route> routes = new ArrayList<>();
  private final ErrorFence fence;

  Router(ErrorFence fence) {
    this.fence = fence;
  }

  Router get(String pattern, Endpoint endpoint) {
    routes.add(new Route("GET", PathPattern.of(pattern), endpoint));
    return this;
  }

  Router post(String pattern, Endpoint endpoint) {
    routes.add(new Route("POST", PathPattern.of(pattern), endpoint));
    return this;
  }

  @Override
  public void handle(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Response response;
    try {
      drain(exchange.getRequestBody());
      response = dispatch(exchange, method, path);
    } catch (Throwable t) {
      response = fence.answer(method, path, t);
    }
    send(exchange, response);
  }

  private Response dispatch(HttpExchange exchange, String method, String path) {
    TreeSet<String> allowed = new TreeSet<>();
    for (Route route : routes) {
      Optional<List<String>> params = route.pattern().match(path);
      if (params.isEmpty()) {
        continue;
      }
      if (route.method().equals(method)) {
        String query = exchange.getRequestURI().getRawQuery();
        return route.endpoint().handle(new Request(params.get(), query));
      }
      allowed.add(route.method());
    }
    if (!allowed.isEmpty()) {
      exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
      return Response.error(
          405, "method_not_allowed", method + " " + path + " is not supported; use " + allowed);
    }
    return Response.error(404, "not_found", "no endpoint at " + path);
  }

  /** Reads what the client sent so the connection can be kept alive; no endpoint takes a body. */
  private static void drain(InputStream body) throws IOException {
    try (body) {
      body.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static void send(HttpExchange exchange, Response response) {
    byte[] bytes = response.json().getBytes(StandardCharsets.UTF_8);
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(response.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException | RuntimeException e) {
      // The client went away or the server is stopping; nobody is left to answer.
      LOG.log(Level.DEBUG, "could not send the answer to " + exchange.getRequestURI(), e);
    }
  }
}

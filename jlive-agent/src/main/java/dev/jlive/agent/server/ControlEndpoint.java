package dev.jlive.agent.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jlive.agent.AgentContext;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's control endpoint: JSON over HTTP, loopback by default, every request authenticated
 * with the bearer token from the discovery file.
 *
 * <p>Its threads are daemons (the JDK server's dispatcher inherits that from the thread that
 * starts it, hence the start on a daemon thread), so the agent never keeps an application's JVM
 * alive, and they all end on {@link #stop()}.
 */
public final class ControlEndpoint {
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final String token;
  private final Map<String, Route> routes;
  private final System.Logger log;

  private ControlEndpoint(HttpServer server, ExecutorService executor, String token, Map<String, Route> routes, System.Logger log) {
    this.server = server;
    this.executor = executor;
    this.token = token;
    this.routes = routes;
    this.log = log;
  }

  public static ControlEndpoint start(String host, int port, String token, AgentContext context) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    if (!address.isLoopbackAddress()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST,
          "the control endpoint binds to loopback only; host=" + host + " would expose it without TLS",
          "leave host unset and reach the agent through an SSH tunnel, or through a jlive controller");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
    // Four threads, so that a long-polling `jlive tail` never holds up other requests; idle ones end.
    ThreadPoolExecutor executor = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(64), daemonThreads(), new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    ControlEndpoint endpoint = new ControlEndpoint(server, executor, token, Routes.all(context), context.log());
    server.createContext("/", endpoint::serve);
    server.setExecutor(executor);
    startOnDaemonThread(server);
    return endpoint;
  }

  private static void startOnDaemonThread(HttpServer server) throws IOException {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread starter = new Thread(() -> {
      try {
        server.start();
      } catch (RuntimeException e) {
        failure.set(e);
      }
    }, "jlive-endpoint-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the control endpoint", e);
    }
    if (failure.get() != null) {
      throw new IOException("the control endpoint did not start: " + failure.get().getMessage(), failure.get());
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "jlive-endpoint-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  public String host() {
    return server.getAddress().getAddress().getHostAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void stop() {
    // Gives a request that asked for the stop a moment to finish its answer.
    server.stop(1);
    executor.shutdown();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst(Api.AUTHORIZATION);
      String presented = authorization != null && authorization.startsWith(Api.BEARER)
          ? authorization.substring(Api.BEARER.length()).trim() : null;
      if (!Token.matches(token, presented)) {
        send(exchange, 401, new JLiveException(ErrorCode.UNAUTHORIZED, "missing or wrong token",
            "send 'Authorization: Bearer <token>' with the token from the agent's discovery file "
                + "(jlive does this for a local pid; use --token-file for a remote agent)").toJson());
        return;
      }
      Object answer;
      int status = 200;
      try {
        answer = route(exchange);
      } catch (JLiveException e) {
        status = e.code().httpStatus();
        answer = e.toJson();
      } catch (Exception | LinkageError e) {
        log.log(System.Logger.Level.ERROR, "request " + exchange.getRequestURI() + " failed", e);
        status = 500;
        answer = new JLiveException(ErrorCode.INTERNAL_ERROR, "the agent failed to answer: " + e,
            "see the agent log in the runtime directory").toJson();
      }
      send(exchange, status, answer);
    }
  }

  private Object route(HttpExchange exchange) throws Exception {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Route route = routes.get(method + " " + path);
    if (route == null) {
      boolean otherMethod = routes.keySet().stream().anyMatch(key -> key.endsWith(" " + path));
      if (otherMethod) {
        throw new JLiveException(ErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed on " + path,
            "see the endpoint's API in docs/ARCHITECTURE.md");
      }
      throw new JLiveException(ErrorCode.UNKNOWN_ENDPOINT, "no such endpoint: " + path,
          "this agent serves " + String.join(", ", routes.keySet()) + "; is the client newer than the agent?");
    }
    String user = exchange.getRequestHeaders().getFirst(Api.USER_HEADER);
    Request request = new Request(method, path, Request.parseQuery(exchange.getRequestURI().getRawQuery()),
        readBody(exchange), user == null ? "unknown" : user);
    return route.handle(request);
  }

  private static Map<String, Object> readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new JLiveException(ErrorCode.BAD_REQUEST, "request body larger than " + MAX_BODY_BYTES + " bytes",
            "send smaller requests");
      }
      if (bytes.length == 0) {
        return Map.of();
      }
      try {
        return Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new JLiveException(ErrorCode.BAD_REQUEST, "request body is not a JSON object: " + e.getMessage(),
            "send a JSON object");
      }
    }
  }

  private static void send(HttpExchange exchange, int status, Object answer) throws IOException {
    boolean text = answer instanceof TextAnswer;
    byte[] body = (text ? ((TextAnswer) answer).body() : Json.write(answer)).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", text ? ((TextAnswer) answer).contentType() : "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}

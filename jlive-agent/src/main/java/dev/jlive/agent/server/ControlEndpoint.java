package dev.jlive.agent.server;

import dev.jlive.agent.AgentContext;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's control endpoint: JSON over HTTP, loopback by default, every request authenticated
 * with the bearer token from the discovery file.
 *
 * <p>Its threads are daemons, so the agent never keeps an application's JVM alive, and they all end
 * on {@link #stop()}. The transport is {@link HttpListener}, which touches no global JDK state.
 */
public final class ControlEndpoint {
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final HttpListener listener;
  private final String token;
  private final Map<String, Route> routes;
  private final System.Logger log;

  private ControlEndpoint(HttpListener listener, String token, Map<String, Route> routes, System.Logger log) {
    this.listener = listener;
    this.token = token;
    this.routes = routes;
    this.log = log;
  }

  /** The endpoint's request handling, without a socket: what the listener calls. */
  private static final class Service implements HttpListener.Handler {
    private final String token;
    private final Map<String, Route> routes;
    private final System.Logger log;

    Service(String token, Map<String, Route> routes, System.Logger log) {
      this.token = token;
      this.routes = routes;
      this.log = log;
    }

    @Override
    public HttpListener.Response handle(HttpListener.RawRequest raw) {
      String authorization = raw.headers().get(Api.AUTHORIZATION.toLowerCase(java.util.Locale.ROOT));
      String presented = authorization != null && authorization.startsWith(Api.BEARER)
          ? authorization.substring(Api.BEARER.length()).trim() : null;
      if (!Token.matches(token, presented)) {
        return json(401, new JLiveException(ErrorCode.UNAUTHORIZED, "missing or wrong token",
            "send 'Authorization: Bearer <token>' with the token from the agent's discovery file "
                + "(jlive does this for a local pid; use --token-file for a remote agent)").toJson());
      }
      try {
        Object answer = route(raw);
        if (answer instanceof TextAnswer text) {
          return new HttpListener.Response(200, text.contentType(), text.body().getBytes(StandardCharsets.UTF_8));
        }
        return json(200, answer);
      } catch (JLiveException e) {
        return json(e.code().httpStatus(), e.toJson());
      } catch (Exception | LinkageError | StackOverflowError e) {
        log.log(System.Logger.Level.ERROR, "request " + raw.target() + " failed", e);
        return json(500, new JLiveException(ErrorCode.INTERNAL_ERROR, "the agent failed to answer: " + e,
            "see the agent log in the runtime directory").toJson());
      }
    }

    private Object route(HttpListener.RawRequest raw) throws Exception {
      String method = raw.method();
      int question = raw.target().indexOf('?');
      String path = question < 0 ? raw.target() : raw.target().substring(0, question);
      String rawQuery = question < 0 ? null : raw.target().substring(question + 1);
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
      String user = raw.headers().get(Api.USER_HEADER.toLowerCase(java.util.Locale.ROOT));
      Request request = new Request(method, path, Request.parseQuery(rawQuery), body(raw.body()), user == null ? "unknown" : user);
      if (!method.equals("GET")) {
        log.log(System.Logger.Level.INFO, "{0} {1} by {2}", method, raw.target(), request.user());
      }
      return route.handle(request);
    }

    private static Map<String, Object> body(byte[] bytes) {
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

    private static HttpListener.Response json(int status, Object answer) {
      return new HttpListener.Response(status, "application/json; charset=utf-8", Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }
  }

  public static ControlEndpoint start(String host, int port, String token, AgentContext context) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    if (!address.isLoopbackAddress()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST,
          "the control endpoint binds to loopback only; host=" + host + " would expose it without TLS",
          "leave host unset and reach the agent through an SSH tunnel, or through a jlive controller");
    }
    // Four threads, so that a long-polling `jlive tail` never holds up other requests; idle ones end.
    ThreadPoolExecutor workers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(64), daemonThreads(), new ThreadPoolExecutor.AbortPolicy());
    workers.allowCoreThreadTimeOut(true);
    Map<String, Route> routes = Routes.all(context);
    HttpListener listener = HttpListener.start(address, port, workers, new Service(token, routes, context.log()), MAX_BODY_BYTES);
    return new ControlEndpoint(listener, token, routes, context.log());
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
    return listener.host();
  }

  public int port() {
    return listener.port();
  }

  public void stop() {
    try {
      listener.close();
    } catch (IOException e) {
      log.log(System.Logger.Level.WARNING, "closing the control endpoint failed", e);
    }
  }
}

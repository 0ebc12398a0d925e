package dev.jlive.agent.server;

import dev.jlive.agent.AgentContext;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.Printable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
  private final ScheduledThreadPoolExecutor pollTimer;
  private final ThreadPoolExecutor workers;
  private final Service service;
  private final System.Logger log;

  private ControlEndpoint(
      HttpListener listener,
      ScheduledThreadPoolExecutor pollTimer,
      ThreadPoolExecutor workers,
      Service service,
      System.Logger log) {
    this.listener = listener;
    this.pollTimer = pollTimer;
    this.workers = workers;
    this.service = service;
    this.log = log;
  }

  /**
   * Runs {@code task}, then makes the route table, on a worker, once the agent is ready: what the
   * endpoint does not need to listen stays off the attach's way. Each route is a lambda, and
   * linking about forty of them in a cold JVM on a busy host was a good part of the endpoint's
   * start (docs/BENCHMARKS.md, "Attach after the cached check"); a request that comes first makes
   * the table itself. Nothing is thrown from the worker, whose default handler would print on the
   * application's stderr.
   */
  public void afterReady(Runnable task) {
    Runnable work =
        () -> {
          try {
            task.run();
            service.routes();
          } catch (RuntimeException | Error e) {
            log.log(System.Logger.Level.ERROR, "the endpoint's set-up after ready failed", e);
          }
        };
    try {
      workers.execute(work);
    } catch (RejectedExecutionException stopping) {
      // The endpoint stops already: the task's log lines are all that is lost.
    }
  }

  /** The endpoint's request handling, without a socket: what the listener calls. */
  private static final class Service implements HttpListener.Handler {
    private final String token;
    private final Supplier<Map<String, Route>> makeRoutes;
    private final System.Logger log;
    private final LongPolls longPolls;
    private Map<String, Route> routes;

    Service(
        String token,
        Supplier<Map<String, Route>> makeRoutes,
        System.Logger log,
        LongPolls longPolls) {
      this.token = token;
      this.makeRoutes = makeRoutes;
      this.log = log;
      this.longPolls = longPolls;
    }

    /** The route table, made on first use (see {@link ControlEndpoint#prepareRoutes}). */
    synchronized Map<String, Route> routes() {
      if (routes == null) {
        routes = makeRoutes.get();
      }
      return routes;
    }

    @Override
    public HttpListener.Response authenticate(HttpListener.RawRequest head) {
      String authorization = head.headers().get(Api.AUTHORIZATION.toLowerCase(Locale.ROOT));
      String presented =
          authorization != null && authorization.startsWith(Api.BEARER)
              ? authorization.substring(Api.BEARER.length()).trim()
              : null;
      if (Token.matches(token, presented)) {
        return null;
      }
      return json(
          401,
          new JLiveException(
                  ErrorCode.UNAUTHORIZED,
                  "missing or wrong token",
                  "send 'Authorization: Bearer <token>' with the token from the agent's discovery file "
                      + "(jlive does this for a local pid; use --token-file for a remote agent)")
              .toJson());
    }

    @Override
    public void handle(HttpListener.RawRequest raw, Consumer<HttpListener.Response> respond) {
      try {
        Route route = routeFor(raw.method(), path(raw));
        Request request = request(raw);
        if (!raw.method().equals("GET")) {
          log.log(
              System.Logger.Level.INFO,
              "{0} {1} by {2}",
              raw.method(),
              Printable.escape(raw.target()),
              request.user());
        }
        if (LongPolls.isLongPoll(request)) {
          longPolls.park(
              request,
              route,
              events -> respond.accept(answer(events)),
              e -> respond.accept(failure(raw, e)));
          return;
        }
        respond.accept(answer(route.handle(request)));
      } catch (Exception | LinkageError | StackOverflowError e) {
        respond.accept(failure(raw, e));
      }
    }

    private HttpListener.Response failure(HttpListener.RawRequest raw, Throwable e) {
      if (e instanceof JLiveException known) {
        return json(known.code().httpStatus(), known.toJson());
      }
      log.log(
          System.Logger.Level.ERROR, "request " + Printable.escape(raw.target()) + " failed", e);
      return json(
          500,
          new JLiveException(
                  ErrorCode.INTERNAL_ERROR,
                  "the agent failed to answer: " + e,
                  "see the agent log in the runtime directory")
              .toJson());
    }

    private static HttpListener.Response answer(Object answer) {
      if (answer instanceof TextAnswer text) {
        return new HttpListener.Response(
            200, text.contentType(), text.body().getBytes(StandardCharsets.UTF_8));
      }
      if (answer instanceof JsonWritable record) {
        return json(200, record.toJson());
      }
      return json(200, answer);
    }

    private static String path(HttpListener.RawRequest raw) {
      int question = raw.target().indexOf('?');
      return question < 0 ? raw.target() : raw.target().substring(0, question);
    }

    private Route routeFor(String method, String path) {
      Map<String, Route> table = routes();
      Route route = table.get(method + " " + path);
      if (route == null) {
        boolean otherMethod = table.keySet().stream().anyMatch(key -> key.endsWith(" " + path));
        if (otherMethod) {
          throw new JLiveException(
              ErrorCode.METHOD_NOT_ALLOWED,
              method + " is not allowed on " + path,
              "see the endpoint's API in docs/ARCHITECTURE.md");
        }
        throw new JLiveException(
            ErrorCode.UNKNOWN_ENDPOINT,
            "no such endpoint: " + path,
            "this agent serves "
                + String.join(", ", table.keySet())
                + "; is the client newer than the agent?");
      }
      return route;
    }

    /**
     * The request a route sees; the user as the client said, with control characters escaped for
     * logs and the ledger.
     */
    private Request request(HttpListener.RawRequest raw) {
      int question = raw.target().indexOf('?');
      String rawQuery = question < 0 ? null : raw.target().substring(question + 1);
      String user = raw.headers().get(Api.USER_HEADER.toLowerCase(Locale.ROOT));
      return new Request(
          raw.method(),
          path(raw),
          Request.parseQuery(rawQuery),
          body(raw.body()),
          user == null ? "unknown" : Printable.escape(user));
    }

    private static Map<String, Object> body(byte[] bytes) {
      if (bytes.length == 0) {
        return Map.of();
      }
      try {
        return Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "request body is not a JSON object: " + e.getMessage(),
            "send a JSON object");
      }
    }

    private static HttpListener.Response json(int status, Object answer) {
      return new HttpListener.Response(
          status,
          "application/json; charset=utf-8",
          Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }
  }

  public static ControlEndpoint start(String host, int port, String token, AgentContext context)
      throws IOException {
    return start(host, port, token, context, false);
  }

  /**
   * @param localChangesDenied refuse every request that changes the JVM ({@code
   *     localChanges=deny}): changes then come only through the controller
   */
  public static ControlEndpoint start(
      String host, int port, String token, AgentContext context, boolean localChangesDenied)
      throws IOException {
    InetAddress address = InetAddress.getByName(host);
    if (!address.isLoopbackAddress()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the control endpoint binds to loopback only; host="
              + host
              + " would expose it without TLS",
          "leave host unset and reach the agent through an SSH tunnel, or through a jlive controller");
    }
    // Requests reach the workers whole and authenticated, and long polls wait on the timer, so a
    // few workers are enough; idle ones end.
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            4,
            4,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64),
            daemonThreads("jlive-endpoint-"),
            new ThreadPoolExecutor.AbortPolicy());
    workers.allowCoreThreadTimeOut(true);
    ScheduledThreadPoolExecutor pollTimer =
        new ScheduledThreadPoolExecutor(1, daemonThreads("jlive-endpoint-poll-"));
    pollTimer.setKeepAliveTime(30, TimeUnit.SECONDS);
    pollTimer.allowCoreThreadTimeOut(true);
    Service service =
        new Service(
            token,
            () -> Routes.all(context, localChangesDenied),
            context.log(),
            new LongPolls(pollTimer));
    HttpListener listener;
    try {
      listener = HttpListener.start(address, port, workers, service, MAX_BODY_BYTES);
    } catch (IOException | RuntimeException e) {
      workers.shutdown();
      pollTimer.shutdown();
      throw e;
    }
    return new ControlEndpoint(listener, pollTimer, workers, service, context.log());
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
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
    pollTimer.shutdownNow();
    try {
      listener.close();
    } catch (IOException e) {
      log.log(System.Logger.Level.WARNING, "closing the control endpoint failed", e);
    }
  }
}

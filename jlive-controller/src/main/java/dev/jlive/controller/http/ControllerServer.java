package dev.jlive.controller.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.jlive.controller.auth.Principal;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * The controller's HTTP(S) server. Every request needs a user's token, which {@link Authenticator}
 * turns into the user and its roles. A handler either answers at once or, for an agent's long poll,
 * hands the exchange to {@link Reply} to answer later from another thread, so thousands of waiting
 * agents hold no threads.
 *
 * <p>Against hostile clients (see {@link ServerLimits}): a request must arrive whole within a
 * deadline; the JDK reads each request's headers on a thread of its own from an elastic pool, so
 * slow senders wait on their own threads and never in front of a valid request; the token is
 * checked before the body is read; and requests in hand are capped per peer. A user header a client
 * sends is ignored: who sent a request is who its token belongs to.
 */
public final class ControllerServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService workers;

  private ControllerServer(HttpServer server, ExecutorService workers) {
    this.server = server;
    this.workers = workers;
  }

  /**
   * A request: method, path segments, query and body, who sent it (its token's user), and from
   * where.
   *
   * @param from the client's address, as the audit log records it
   */
  public record Call(
      String method,
      String[] segments,
      Map<String, String> query,
      Map<String, Object> body,
      Principal principal,
      String from) {
    public String query(String key) {
      return query.get(key);
    }

    /** The authenticated user's name: the author of what this call changes. */
    public String user() {
      return principal.name();
    }

    /** The user's grants, as the audit log records them: {@code patcher@web, viewer}. */
    public String role() {
      return principal.describeGrants();
    }
  }

  /** Turns a request's bearer token into its user. */
  public interface Authenticator {
    /** The token's user; null when no user has that token (unknown, revoked or rotated). */
    Principal authenticate(String token);
  }

  /** Answers an exchange once, now or later. */
  public interface Reply {
    /**
     * @param body a JSON value, or a {@code byte[]} already encoded (UTF-8 JSON), sent as it is
     */
    void send(int status, Object body);
  }

  /** Routes a call: answer through {@code reply}, or throw a {@link JLiveException}. */
  public interface Router {
    void route(Call call, Reply reply) throws Exception;

    /**
     * Told of each request refused for its credentials (401) or its rights (403), after the answer
     * went out; must return at once and never throw.
     *
     * @param call the request, or null when it was refused before it was read (401)
     */
    default void refused(String method, String path, Call call, String from, JLiveException why) {}
  }

  public static ControllerServer start(
      String host, int port, SSLContext tls, Authenticator users, Router router)
      throws IOException {
    ServerLimits.apply();
    InetSocketAddress address = new InetSocketAddress(host, port);
    HttpServer server;
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 1024);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(address, 1024);
    }
    // A thread per request being read: the JDK reads headers on the executor, and a slow sender
    // queued in front would hold up every request behind it. Only past the thread cap do requests
    // queue; past the queue, the JDK closes the new connection.
    int threads = ServerLimits.maxReadingThreads();
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            ServerLimits.idleThreadSeconds(),
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(ServerLimits.MAX_QUEUED_REQUESTS),
            runnable -> {
              Thread thread = new Thread(runnable, "jlive-controller-http");
              thread.setDaemon(true);
              return thread;
            });
    workers.allowCoreThreadTimeOut(true);
    server.setExecutor(workers);
    Map<InetAddress, Integer> inHand = new ConcurrentHashMap<>();
    int maxPerPeer = ServerLimits.maxRequestsPerPeer();
    server.createContext("/", exchange -> handle(exchange, users, router, inHand, maxPerPeer));
    server.start();
    return new ControllerServer(server, workers);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String host() {
    return server.getAddress().getHostString();
  }

  private static void handle(
      HttpExchange exchange,
      Authenticator users,
      Router router,
      Map<InetAddress, Integer> inHand,
      int maxPerPeer) {
    Reply reply = replyTo(exchange, null, inHand);
    Call call = null;
    try {
      String authorization = exchange.getRequestHeaders().getFirst(Api.AUTHORIZATION);
      Principal principal =
          authorization == null || !authorization.startsWith(Api.BEARER)
              ? null
              : users.authenticate(authorization.substring(Api.BEARER.length()).trim());
      if (principal == null) {
        // Answered before any body is read; the connection closes rather than wait for one.
        // Whether the token was never known, revoked or rotated is not told to whoever holds it.
        exchange.getResponseHeaders().set("Connection", "close");
        throw new JLiveException(
            ErrorCode.UNAUTHORIZED,
            authorization == null ? "no token" : "unknown or revoked token",
            "send Authorization: Bearer <your token>; an admin makes one with `jlive controller users add`"
                + " (the first admin's token is in the controller's <data dir>/token)");
      }
      InetAddress peer = exchange.getRemoteAddress().getAddress();
      if (inHand.merge(peer, 1, Integer::sum) > maxPerPeer) {
        inHand.computeIfPresent(peer, (key, count) -> count > 1 ? count - 1 : null);
        throw new JLiveException(
            ErrorCode.BUSY,
            "this address already has "
                + maxPerPeer
                + " requests in hand (waiting agent polls included)",
            "retry later; raise -Djlive.controller.maxRequestsPerPeer "
                + "if many agents share one address");
      }
      reply = replyTo(exchange, peer, inHand);
      String path = exchange.getRequestURI().getRawPath();
      String[] segments = path.replaceAll("^/+|/+$", "").split("/");
      for (int i = 0; i < segments.length; i++) {
        segments[i] = URLDecoder.decode(segments[i], StandardCharsets.UTF_8);
      }
      Map<String, Object> body;
      try {
        body = body(exchange);
      } catch (IOException gone) {
        clientGone(exchange, reply, gone);
        return;
      }
      call =
          new Call(
              exchange.getRequestMethod(),
              segments,
              query(exchange.getRequestURI().getRawQuery()),
              body,
              principal,
              peer.getHostAddress());
      router.route(call, reply);
    } catch (JLiveException e) {
      reply.send(e.code().httpStatus(), e.toJson());
      if (e.code().httpStatus() == 401 || e.code().httpStatus() == 403) {
        tellRefused(exchange, router, call, e);
      }
    } catch (IllegalArgumentException e) {
      reply.send(
          400,
          new JLiveException(
                  ErrorCode.BAD_REQUEST,
                  "the request body is not valid JSON: " + e.getMessage(),
                  "send a JSON object")
              .toJson());
    } catch (Exception | Error e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "request failed: " + Printable.escape(String.valueOf(exchange.getRequestURI())),
          e);
      reply.send(
          500,
          new JLiveException(
                  ErrorCode.INTERNAL_ERROR,
                  "controller error: " + e,
                  "the controller's log has the stack trace")
              .toJson());
    }
  }

  /**
   * The client hung up, or the request outlived the server's deadline and its connection was
   * closed, while its body was read: nobody is left to read an answer. An ERROR with a stack trace
   * for each, when an overloaded controller cut thousands of agents' polls at once, held every HTTP
   * thread on the log's lock and fed the overload (docs/BENCHMARKS.md, section 27). The answer is
   * still sent, to free the request's place in the count per address; it fails quietly.
   */
  private static void clientGone(HttpExchange exchange, Reply reply, IOException gone) {
    LOG.log(
        System.Logger.Level.DEBUG,
        "request not read whole: {0}: {1}",
        Printable.escape(String.valueOf(exchange.getRequestURI())),
        gone.toString());
    reply.send(
        400,
        new JLiveException(
                ErrorCode.BAD_REQUEST,
                "the request could not be read whole: " + gone.getMessage(),
                "send the whole request within the server's deadline")
            .toJson());
  }

  private static void tellRefused(
      HttpExchange exchange, Router router, Call call, JLiveException why) {
    try {
      router.refused(
          exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath(),
          call,
          exchange.getRemoteAddress().getAddress().getHostAddress(),
          why);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a refusal could not be recorded", e);
    }
  }

  /** Answers once; for a counted request ({@code peer} not null), the answer frees its place. */
  private static Reply replyTo(
      HttpExchange exchange, InetAddress peer, Map<InetAddress, Integer> inHand) {
    AtomicBoolean sent = new AtomicBoolean();
    return (status, body) -> {
      if (!sent.compareAndSet(false, true)) {
        return;
      }
      if (peer != null) {
        inHand.computeIfPresent(peer, (key, count) -> count > 1 ? count - 1 : null);
      }
      byte[] bytes =
          body instanceof byte[] encoded
              ? encoded
              : Json.write(body).getBytes(StandardCharsets.UTF_8);
      try (exchange) {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      } catch (IOException gone) {
        // The client hung up (an agent that stopped while its poll waited); nothing to answer.
      }
    };
  }

  private static Map<String, Object> body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "request body over " + MAX_BODY_BYTES / (1024 * 1024) + " MB",
            "send fewer or smaller classes per change");
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      return text.isBlank() ? Map.of() : Json.parseObject(text);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

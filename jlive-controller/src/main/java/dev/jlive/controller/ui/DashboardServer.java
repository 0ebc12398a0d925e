package dev.jlive.controller.ui;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceOutput;
import dev.jlive.controller.http.ControllerServer;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.fleet.ServiceSummary;
import dev.jlive.protocol.metrics.ProbeMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * The web dashboard: the bundled pages, sign-in, the API behind a session, and live updates as
 * server-sent events, on a port of its own.
 *
 * <p>Sign-in trades a user's token for a session ({@link Sessions}): a cookie that scripts cannot
 * read ({@code HttpOnly}), that no other site's page sends ({@code SameSite=Strict}), {@code
 * Secure} under TLS. Every request that changes something must also carry the session's CSRF token
 * in a header, which only the dashboard's own pages can read. Authorisation is not done here: a
 * request under {@code /v1/} runs the controller's own route with the session's user ({@link
 * RouteCalls}), so the dashboard can do exactly what that user's token can do through the API.
 *
 * <p>The same server serves one JVM for {@code jlive ui PID} ({@link #startForProcess}): on
 * loopback, signed in by a one-time link instead of a token, with a router that answers from one
 * agent; {@code GET /ui/mode} tells the pages which of the two they are in.
 */
public final class DashboardServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");

  static final String COOKIE = "jlive_session";
  static final String CSRF_HEADER = "X-JLive-CSRF";
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  static final String OPEN_PATH = "/ui/open";

  /** How often a single process's page counts as seen: the local server reads it every second. */
  private static final Duration PROCESS_HEARTBEAT = Duration.ofSeconds(5);

  /** Open live streams at once; each holds a thread while the tab is open. */
  static final int MAX_STREAMS = 64;

  private static final String SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService sampler;
  private final ControllerServer.Authenticator users;
  private final RouteCalls routes;
  private final ProbeHistory history;
  private final PatchSourceLookup patches;
  private final Sessions sessions = new Sessions(System::currentTimeMillis);
  private final StaticFiles files = new StaticFiles();
  private final Semaphore streams = new Semaphore(MAX_STREAMS);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Duration heartbeat;
  private final boolean tls;
  private final OneTimeLink link;

  /** The secret of {@link #oneTimeUrl()} and the token its session gets; used at most once. */
  private static final class OneTimeLink {
    final String secret;
    final String token;
    final AtomicBoolean used = new AtomicBoolean();

    OneTimeLink(String secret, String token) {
      this.secret = secret;
      this.token = token;
    }
  }

  private DashboardServer(
      HttpServer server,
      ThreadPoolExecutor workers,
      ControllerServer.Authenticator users,
      ControllerServer.Router router,
      ProbeHistory history,
      PatchSourceLookup patches,
      Duration heartbeat,
      boolean tls,
      OneTimeLink link) {
    this.server = server;
    this.workers = workers;
    this.users = users;
    this.routes = new RouteCalls(router);
    this.history = history;
    this.patches = patches;
    this.heartbeat = heartbeat;
    this.tls = tls;
    this.link = link;
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "jlive-dashboard-history");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Serves the dashboard on {@code host:port} (0 for a free port), over TLS when {@code tls} is not
   * null, for the users {@code users} knows, calling {@code router} for everything it shows.
   */
  public static DashboardServer start(
      String host,
      int port,
      SSLContext tls,
      ControllerServer.Authenticator users,
      ControllerServer.Router router,
      ServiceChanges changes,
      ServiceOutput output,
      Duration heartbeat)
      throws IOException {
    ReportedMetrics metrics =
        () -> {
          Map<String, Map<String, Map<String, ProbeMetrics>>> byService = new LinkedHashMap<>();
          for (ServiceSummary service : changes.services()) {
            try {
              byService.put(service.name(), output.reported(service.name()));
            } catch (RuntimeException gone) {
              // The service went away between the listing and this read: nothing to sample.
            }
          }
          return byService;
        };
    return open(host, port, tls, users, router, changes::patchSources, metrics, heartbeat, null);
  }

  /**
   * Serves the dashboard of one process for {@code jlive ui PID}: on 127.0.0.1 only, for one user
   * who signs in by opening {@link #oneTimeUrl()}; {@code router} answers the API the pages call,
   * and the pages hide what a single process does not have (services, approvals, audit).
   */
  public static DashboardServer startForProcess(
      int port,
      Principal user,
      ControllerServer.Router router,
      ReportedMetrics metrics,
      PatchSourceLookup patches)
      throws IOException {
    // The user's "token" never leaves this JVM: the browser gets a session only through the link.
    String token = Sessions.randomId();
    ControllerServer.Authenticator users = text -> token.equals(text) ? user : null;
    return open(
        InetAddress.getLoopbackAddress().getHostAddress(),
        port,
        null,
        users,
        router,
        patches,
        metrics,
        PROCESS_HEARTBEAT,
        new OneTimeLink(Sessions.randomId(), token));
  }

  private static DashboardServer open(
      String host,
      int port,
      SSLContext tls,
      ControllerServer.Authenticator users,
      ControllerServer.Router router,
      PatchSourceLookup patches,
      ReportedMetrics metrics,
      Duration heartbeat,
      OneTimeLink link)
      throws IOException {
    InetSocketAddress address = new InetSocketAddress(host, port);
    HttpServer server;
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 256);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(address, 256);
    }
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            2 * MAX_STREAMS,
            2 * MAX_STREAMS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1024),
            runnable -> {
              Thread thread = new Thread(runnable, "jlive-dashboard-http");
              thread.setDaemon(true);
              return thread;
            });
    workers.allowCoreThreadTimeOut(true);
    server.setExecutor(workers);
    DashboardServer dashboard =
        new DashboardServer(
            server,
            workers,
            users,
            router,
            new ProbeHistory(metrics),
            patches,
            heartbeat,
            tls != null,
            link);
    server.createContext("/", dashboard::handle);
    dashboard.sampler.scheduleAtFixedRate(dashboard::sample, 1, 1, TimeUnit.SECONDS);
    server.start();
    return dashboard;
  }

  /**
   * The link that signs the browser in, for {@code jlive ui}: it works once, so a link left in a
   * terminal's scroll-back or a shell history is worth nothing after the first use. Null for the
   * controller's dashboard, where people sign in with their tokens.
   */
  public String oneTimeUrl() {
    return link == null ? null : url() + OPEN_PATH + "?secret=" + link.secret;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    String host = server.getAddress().getHostString();
    host = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "https" : "http") + "://" + host + ":" + port();
  }

  private void sample() {
    try {
      history.sample(System.currentTimeMillis());
    } catch (RuntimeException e) {
      // ZooKeeper away or a report half written: the next second tries again.
      LOG.log(System.Logger.Level.DEBUG, "probe history sample failed", e);
    }
  }

  private void handle(HttpExchange exchange) {
    try {
      respond(exchange);
    } finally {
      exchange.close();
    }
  }

  private void respond(HttpExchange exchange) {
    try {
      securityHeaders(exchange.getResponseHeaders());
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (path.startsWith("/v1/")) {
        api(exchange, method, path);
      } else if (path.equals("/ui/mode") && method.equals("GET")) {
        json(exchange, 200, Map.of("mode", link == null ? "controller" : "process"));
      } else if (path.equals(OPEN_PATH) && method.equals("GET") && link != null) {
        openLink(exchange);
      } else if (path.equals("/ui/session")) {
        session(exchange, method);
      } else if (path.equals("/ui/stream") && method.equals("GET")) {
        stream(exchange);
      } else if (method.equals("GET") && files.find(path) != null) {
        StaticFiles.File file = files.find(path);
        exchange.getResponseHeaders().set("Content-Type", file.type());
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        send(exchange, 200, file.bytes());
      } else {
        throw new JLiveException(
            ErrorCode.UNKNOWN_ENDPOINT,
            "no " + method + " " + path + " on the dashboard",
            "open / in the browser; the API is under /v1/");
      }
    } catch (JLiveException e) {
      json(exchange, e.code().httpStatus(), e.toJson());
    } catch (IllegalArgumentException e) {
      json(
          exchange,
          400,
          new JLiveException(
                  ErrorCode.BAD_REQUEST,
                  "the request body is not valid JSON: " + e.getMessage(),
                  "send a JSON object")
              .toJson());
    } catch (IOException gone) {
      // The browser closed the connection; nothing to answer.
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "dashboard request failed", e);
      json(
          exchange,
          500,
          new JLiveException(
                  ErrorCode.INTERNAL_ERROR,
                  "dashboard error: " + e,
                  "the controller's log has the stack trace")
              .toJson());
    }
  }

  /** {@code POST} signs in with {"token"}, {@code GET} tells who is signed in, DELETE signs out. */
  private void session(HttpExchange exchange, String method) throws IOException {
    switch (method) {
      case "POST" -> {
        if (link != null) {
          throw new JLiveException(
              ErrorCode.FORBIDDEN,
              "this dashboard of one process takes no token",
              "open the one-time link `jlive ui` printed, or run `jlive ui PID` again for a new one");
        }
        Object token = body(exchange).get("token");
        Principal who = token instanceof String text ? users.authenticate(text.trim()) : null;
        if (who == null) {
          throw new JLiveException(
              ErrorCode.UNAUTHORIZED,
              token == null ? "no token" : "unknown or revoked token",
              "paste your user token (an admin makes one with `jlive controller users add`)");
        }
        if (who.isAgent()) {
          throw new JLiveException(
              ErrorCode.FORBIDDEN,
              "an agent's token cannot sign in to the dashboard",
              "sign in with a person's token");
        }
        Sessions.Session session = sessions.create(((String) token).trim());
        setCookie(exchange, session);
        json(exchange, 200, describe(who, session));
      }
      case "GET" -> {
        Sessions.Session session = requireSession(exchange);
        json(exchange, 200, describe(principal(session), session));
      }
      case "DELETE" -> {
        Sessions.Session session = requireSession(exchange);
        requireCsrf(exchange, session);
        sessions.remove(session.id);
        exchange
            .getResponseHeaders()
            .add(
                "Set-Cookie",
                COOKIE
                    + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                    + (tls ? "; Secure" : ""));
        json(exchange, 200, Map.of("signedOut", true));
      }
      default ->
          throw new JLiveException(
              ErrorCode.UNKNOWN_ENDPOINT,
              "no " + method + " /ui/session",
              "use POST, GET or DELETE");
    }
  }

  /**
   * {@code GET /ui/open?secret=}: the one-time link of {@code jlive ui}. The right secret, the
   * first time, makes a session and sends the browser on to the pages; anything else is refused.
   */
  private void openLink(HttpExchange exchange) throws IOException {
    String secret = query(exchange.getRequestURI().getRawQuery()).get("secret");
    boolean right =
        secret != null
            && MessageDigest.isEqual(
                secret.getBytes(StandardCharsets.UTF_8),
                link.secret.getBytes(StandardCharsets.UTF_8));
    if (!right) {
      throw new JLiveException(
          ErrorCode.UNAUTHORIZED,
          "this link's secret is wrong",
          "open the link exactly as `jlive ui` printed it");
    }
    if (!link.used.compareAndSet(false, true)) {
      throw new JLiveException(
          ErrorCode.UNAUTHORIZED,
          "this link was already used; it signs in one browser once",
          "run `jlive ui PID` again for a new link");
    }
    setCookie(exchange, sessions.create(link.token));
    exchange.getResponseHeaders().set("Location", "/");
    send(exchange, 303, new byte[0]);
  }

  private void setCookie(HttpExchange exchange, Sessions.Session session) {
    exchange
        .getResponseHeaders()
        .add(
            "Set-Cookie",
            COOKIE
                + "="
                + session.id
                + "; Path=/; HttpOnly; SameSite=Strict"
                + (tls ? "; Secure" : ""));
  }

  private static Map<String, Object> describe(Principal who, Sessions.Session session) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("user", who.name());
    json.put("grants", who.describeGrants());
    json.put("csrf", session.csrf);
    return json;
  }

  /** A call of the controller's API as the session's user; changes need the CSRF header. */
  private void api(HttpExchange exchange, String method, String path) throws IOException {
    Sessions.Session session = requireSession(exchange);
    if (!method.equals("GET") && !method.equals("HEAD")) {
      requireCsrf(exchange, session);
    }
    Principal who = principal(session);
    RouteCalls.Answer answer =
        routes.call(
            who,
            method,
            path,
            query(exchange.getRequestURI().getRawQuery()),
            body(exchange),
            from(exchange));
    json(exchange, answer.status(), answer.body());
  }

  /** Server-sent events until the tab closes, the session ends or the dashboard stops. */
  private void stream(HttpExchange exchange) throws IOException {
    Sessions.Session session = requireSession(exchange);
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (!streams.tryAcquire()) {
      throw new JLiveException(
          ErrorCode.BUSY,
          MAX_STREAMS + " dashboard tabs are already open",
          "close some tabs; each open tab holds one stream");
    }
    try {
      LiveStream live =
          new LiveStream(
              routes,
              history,
              patches,
              blankToNull(query.get("service")),
              blankToNull(query.get("change")),
              heartbeat,
              from(exchange));
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      while (true) {
        if (sessions.find(session.id) == null) {
          out.write("event: signedOut\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          return;
        }
        Principal who = users.authenticate(session.token);
        if (who == null) {
          sessions.remove(session.id);
          continue;
        }
        live.tick(who, out);
        if (closed.await(1, TimeUnit.SECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streams.release();
    }
  }

  private Sessions.Session requireSession(HttpExchange exchange) {
    Sessions.Session session = sessions.find(cookie(exchange.getRequestHeaders()));
    if (session == null) {
      // The pages of one process have no sign-in form: only a new one-time link signs in again.
      throw new JLiveException(
          ErrorCode.UNAUTHORIZED,
          "not signed in, or the session expired",
          link == null
              ? "sign in again with your token"
              : "run `jlive ui PID` again and open the new one-time link it prints");
    }
    return session;
  }

  /** The session's user as its token stands now: revoked or rotated, the session ends. */
  private Principal principal(Sessions.Session session) {
    Principal who = users.authenticate(session.token);
    if (who == null) {
      sessions.remove(session.id);
      throw new JLiveException(
          ErrorCode.UNAUTHORIZED,
          "your token was revoked or rotated",
          "sign in again with your current token");
    }
    return who;
  }

  private static void requireCsrf(HttpExchange exchange, Sessions.Session session) {
    if (!session.csrfMatches(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
      throw new JLiveException(
          ErrorCode.FORBIDDEN,
          "a change from the dashboard needs the " + CSRF_HEADER + " header of its session",
          "use the dashboard's pages; a script sends the csrf value GET /ui/session answers");
    }
  }

  static String cookie(Headers headers) {
    for (String line : headers.getOrDefault("Cookie", List.of())) {
      for (String pair : line.split(";")) {
        String trimmed = pair.trim();
        if (trimmed.startsWith(COOKIE + "=")) {
          return trimmed.substring(COOKIE.length() + 1);
        }
      }
    }
    return null;
  }

  private static Map<String, Object> body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "request body over " + MAX_BODY_BYTES / 1024 + " KB",
            "the dashboard adds probes and approves; send patches with the CLI");
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

  private static String from(HttpExchange exchange) {
    return exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static void securityHeaders(Headers headers) {
    headers.set("Content-Security-Policy", SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
  }

  private static void json(HttpExchange exchange, int status, Object body) {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    try {
      send(exchange, status, Json.write(body).getBytes(StandardCharsets.UTF_8));
    } catch (IOException gone) {
      // The browser closed the connection; nothing to answer.
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    sampler.shutdownNow();
    server.stop(0);
    workers.shutdownNow();
  }
}

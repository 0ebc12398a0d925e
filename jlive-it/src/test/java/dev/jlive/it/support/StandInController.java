package dev.jlive.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.DeregisterAnswer;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.DesiredChange;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the controller, speaking the agent side of {@link FleetApi} (register, sync as a
 * long poll, deregister) with the protocol's own records over the JDK's HTTP server, for end-to-end
 * tests of the agent's link. It serves one desired list to every process, records what the agents
 * send, and can forget a process (its next sync gets {@code UNKNOWN_PROCESS}).
 */
public final class StandInController implements AutoCloseable {
  /** A registration as received, with the process id it was given. */
  public record Registration(String process, RegisterBody body) {
    public String service() {
      return body.service();
    }

    public long pid() {
      return body.pid();
    }

    public String instance() {
      return body.instance();
    }
  }

  /** A sync as received, and when ({@link System#nanoTime}). */
  public record Received(SyncBody body, long receivedAt) {}

  private final int port;
  private final String token;
  private final long heartbeatMillis;
  private final Object lock = new Object();
  private HttpServer server;
  private ExecutorService executor;
  private final AtomicInteger nextProcess = new AtomicInteger();
  private final List<Registration> registrations = new CopyOnWriteArrayList<>();
  private final List<String> deregistered = new CopyOnWriteArrayList<>();
  private final Set<String> live = new HashSet<>();
  private final List<Received> syncs = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, ChangeReport>> states = new HashMap<>();
  private final Map<String, Map<String, Object>> metrics = new HashMap<>();
  private List<DesiredChange> desired = List.of();
  private long version;

  private StandInController(int port, String token, long heartbeatMillis) {
    this.port = port;
    this.token = token;
    this.heartbeatMillis = heartbeatMillis;
  }

  /** A controller on a free port, not started yet: agents pointed at it find nobody listening. */
  public static StandInController onFreePort(String token, long heartbeatMillis)
      throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new StandInController(probe.getLocalPort(), token, heartbeatMillis);
    }
  }

  public StandInController start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "stand-in-controller");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Writes the token to a file, as {@code controllerTokenFile} wants it. */
  public Path tokenFile(Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("controller-token-" + port), token + "\n");
  }

  /** The agent options that link a JVM to this controller. */
  public String agentOptions(String service, String labels, Path tokenFile) {
    return "controller="
        + url()
        + ",service="
        + service
        + (labels == null ? "" : ",labels=" + labels)
        + ",controllerTokenFile="
        + tokenFile;
  }

  // ---- what the test sets ----

  /** Replaces the desired changes. */
  public void desire(List<DesiredChange> changes) {
    synchronized (lock) {
      desired = List.copyOf(changes);
      version++;
      lock.notifyAll();
    }
  }

  public static DesiredChange change(
      String id, ChangeKind kind, Map<String, Object> spec, String author) {
    return new DesiredChange(id, kind, spec, author, Instant.now().toString());
  }

  /** Loses the process's session: its next sync is answered with UNKNOWN_PROCESS. */
  public void forget(String process) {
    synchronized (lock) {
      live.remove(process);
      lock.notifyAll();
    }
  }

  // ---- what the test reads ----

  public List<Registration> registrations() {
    return List.copyOf(registrations);
  }

  public List<String> deregistered() {
    return List.copyOf(deregistered);
  }

  /** The state a process last reported for a change, or null. */
  public ChangeReport state(String process, String change) {
    synchronized (lock) {
      Map<String, ChangeReport> changes = states.get(process);
      return changes == null ? null : changes.get(change);
    }
  }

  /** The metrics a process last reported for a change, or null. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> metrics(String process, String change) {
    synchronized (lock) {
      Map<String, Object> byChange = metrics.get(process);
      return byChange == null ? null : (Map<String, Object>) byChange.get(change);
    }
  }

  /** Every event received, each with "process" added. */
  public List<Map<String, Object>> events() {
    return List.copyOf(events);
  }

  /** Every sync received. */
  public List<Received> syncs() {
    return List.copyOf(syncs);
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  // ---- the protocol ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          throw new JLiveException(
              ErrorCode.UNAUTHORIZED,
              "missing or wrong controller token",
              "give the controller's token");
        }
        if (!exchange.getRequestMethod().equals("POST")) {
          throw new JLiveException(
              ErrorCode.METHOD_NOT_ALLOWED, exchange.getRequestMethod() + " not allowed", "POST");
        }
        Map<String, Object> body =
            Json.parseObject(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        JsonWritable answer =
            switch (exchange.getRequestURI().getPath()) {
              case FleetApi.REGISTER -> register(RegisterBody.fromWire(body));
              case FleetApi.SYNC -> sync(SyncBody.fromWire(body));
              case FleetApi.DEREGISTER -> deregister(DeregisterBody.fromWire(body));
              default ->
                  throw new JLiveException(
                      ErrorCode.UNKNOWN_ENDPOINT, "no " + exchange.getRequestURI().getPath(), "");
            };
        send(exchange, 200, answer.toJson());
      } catch (JLiveException e) {
        send(exchange, e.code().httpStatus(), e.toJson());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        send(
            exchange, 500, new JLiveException(ErrorCode.INTERNAL_ERROR, e.toString(), "").toJson());
      }
    }
  }

  private RegisterAnswer register(RegisterBody body) {
    String process = "proc-" + nextProcess.incrementAndGet();
    synchronized (lock) {
      live.add(process);
    }
    registrations.add(new Registration(process, body));
    return new RegisterAnswer(process, heartbeatMillis, FleetApi.PROTOCOL_VERSION, null);
  }

  private SyncAnswer sync(SyncBody body) throws InterruptedException {
    String process = body.process();
    long seen = body.desiredVersion();
    long waitMillis = Math.min(body.waitMillis(), 30_000);
    syncs.add(new Received(body, System.nanoTime()));
    synchronized (lock) {
      if (!live.contains(process)) {
        throw new JLiveException(
            ErrorCode.UNKNOWN_PROCESS, "no process " + process, "register again");
      }
      states.computeIfAbsent(process, p -> new HashMap<>()).putAll(body.changes());
      metrics.put(process, body.metrics());
      for (Map<String, Object> event : body.events()) {
        events.add(JsonObject.create().putAll(event).put("process", process).toMap());
      }
      long deadline = System.nanoTime() + waitMillis * 1_000_000L;
      while (version == seen && live.contains(process)) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          break;
        }
        lock.wait(left);
      }
      if (!live.contains(process)) {
        throw new JLiveException(
            ErrorCode.UNKNOWN_PROCESS, "no process " + process, "register again");
      }
      return version == seen
          ? new SyncAnswer.Unchanged(version)
          : new SyncAnswer.Changes(version, desired);
    }
  }

  private DeregisterAnswer deregister(DeregisterBody body) {
    String process = body.process();
    synchronized (lock) {
      live.remove(process);
      lock.notifyAll();
    }
    deregistered.add(process);
    return new DeregisterAnswer(true);
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

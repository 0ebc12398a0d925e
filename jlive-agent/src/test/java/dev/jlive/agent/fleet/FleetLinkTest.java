package dev.jlive.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.ChangeKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The link's loop against a small in-process controller: back-off, event batches, stopping a long
 * poll.
 */
@SuppressWarnings("unchecked")
class FleetLinkTest {
  private HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private FleetLink link;

  record Received(long nanos, String path, Map<String, Object> body) {}

  @AfterEach
  void stop() {
    if (link != null) {
      link.stop();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aRefusedTokenIsShownInInfoAndRetriedWithGrowingPauses() throws Exception {
    serve(
        body -> {
          throw new JLiveException(
              ErrorCode.UNAUTHORIZED,
              "missing or wrong controller token",
              "give the controller's token");
        });
    link = link(new EventTarget(0));
    link.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 3);
    Map<String, Object> status = link.status();
    assertThat(status)
        .containsEntry("connected", false)
        .doesNotContainKey("process")
        .containsEntry("service", "shop");
    assertThat((String) status.get("lastError"))
        .isEqualTo("missing or wrong controller token (give the controller's token)");
    long first = received.get(1).nanos() - received.get(0).nanos();
    long second = received.get(2).nanos() - received.get(1).nanos();
    assertThat(first)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(FleetLink.MIN_BACKOFF_MILLIS - 50));
    assertThat(second)
        .isGreaterThanOrEqualTo(
            TimeUnit.MILLISECONDS.toNanos(2 * FleetLink.MIN_BACKOFF_MILLIS - 50));
  }

  @Test
  void eventsOfTheFleetsProbesGoTaggedAtMost500PerSyncEachOnce() throws Exception {
    serve(handingOutC1("p-1", 100));
    EventTarget target = new EventTarget(1200);
    link = link(target);
    link.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> tagged().size() >= 1200);
    List<Map<String, Object>> events = tagged();
    assertThat(events)
        .hasSize(1200)
        .allSatisfy(
            event -> assertThat(event).containsEntry("change", "c1").containsEntry("probe", "p1"));
    assertThat(events.stream().map(event -> event.get("seq")).distinct().count()).isEqualTo(1200);
    for (Received sync : syncs()) {
      assertThat((List<Object>) sync.body().get("events"))
          .hasSizeLessThanOrEqualTo(FleetLink.MAX_EVENTS_PER_SYNC);
    }
    assertThat(link.status())
        .containsEntry("connected", true)
        .containsEntry("process", "p-1")
        .containsEntry("appliedChanges", 1);
    // One copy: the link keeps syncing while the test reads, so two reads can differ in length.
    List<Received> syncs = syncs();
    Map<String, Object> last = syncs.get(syncs.size() - 1).body();
    assertThat((Map<String, Object>) last.get("changes"))
        .containsEntry("c1", Map.of("state", "applied", "localId", "p1"));
    assertThat((Map<String, Object>) last.get("metrics"))
        .containsEntry("c1", Map.of("id", "p1", "calls", 1200L));
  }

  @Test
  void theReportOfAnAppliedChangeRidesOnTheNextLongPoll() throws Exception {
    serve(handingOutC1("p-5", 60_000));
    link = link(new EventTarget(0));
    link.start();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> syncs().stream().anyMatch(sync -> reports(sync).containsKey("c1")));
    Map<String, Object> report =
        syncs().stream()
            .filter(sync -> reports(sync).containsKey("c1"))
            .findFirst()
            .orElseThrow()
            .body();
    assertThat(reports(report)).containsEntry("c1", Map.of("state", "applied", "localId", "p1"));
    // One request reports and waits: agents before issue 16 sent a sync that did not wait
    // (waitMillis 0) and then a long poll, one more request per process and change.
    assertThat(report).containsEntry("waitMillis", 60_000L);
  }

  /** A controller that registers {@code process}, hands out probe c1 once, then has no news. */
  private static Function<Map<String, Object>, Object> handingOutC1(
      String process, long heartbeatMillis) {
    return body -> {
      if (body.get("service") != null) {
        return Map.of("process", process, "heartbeatMillis", heartbeatMillis);
      }
      if (((Number) body.get("desiredVersion")).longValue() < 1) {
        return Map.of(
            "desiredVersion",
            1,
            "changes",
            List.of(Map.of("id", "c1", "kind", "probe", "spec", Map.of(), "author", "ann")));
      }
      return Map.of("desiredVersion", 1, "unchanged", true);
    };
  }

  private static Map<String, Object> reports(Received sync) {
    return reports(sync.body());
  }

  private static Map<String, Object> reports(Map<String, Object> body) {
    return (Map<String, Object>) body.getOrDefault("changes", Map.of());
  }

  @Test
  void stoppingBreaksTheLongPollAndDeregisters() throws Exception {
    CountDownLatch polling = new CountDownLatch(1);
    serve(
        body -> {
          if (body.get("service") != null) {
            return Map.of("process", "p-7", "heartbeatMillis", 60_000);
          }
          if (body.containsKey("waitMillis") && ((Number) body.get("waitMillis")).longValue() > 0) {
            polling.countDown();
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return body.containsKey("waitMillis")
              ? Map.of("desiredVersion", 0, "unchanged", true)
              : Map.of("deregistered", true);
        });
    link = link(new EventTarget(0));
    link.start();
    assertThat(polling.await(20, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    link.stop();
    link = null;
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(received)
        .anySatisfy(request -> assertThat(request.path()).isEqualTo(FleetApi.DEREGISTER));
    assertThat(received.get(received.size() - 1).body()).isEqualTo(Map.of("process", "p-7"));
  }

  @Test
  void theControllersNoteAndANewerControllersFieldsGoToTheAgentsLogOnce() throws Exception {
    serve(
        body -> {
          if (body.get("service") != null) {
            return Map.of(
                "process",
                "p-3",
                "heartbeatMillis",
                100,
                "protocolVersion",
                3,
                "note",
                "this controller has roles",
                "roles",
                List.of("admin"));
          }
          return Map.of("desiredVersion", 0, "unchanged", true, "approvals", Map.of());
        });
    KeptLog log = new KeptLog();
    link = new FleetLink(settings(), "t0ken", new EventTarget(0), log);
    link.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> syncs().size() >= 3);
    // Checked here, not in the server's handler, whose failures would only be printed.
    assertThat(received)
        .filteredOn(request -> !request.path().equals(FleetApi.DEREGISTER))
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(
            request ->
                assertThat(request.body())
                    .containsEntry("protocolVersion", (long) FleetApi.PROTOCOL_VERSION));
    assertThat(log.lines).contains("WARNING the controller says: this controller has roles");
    assertThat(log.lines.stream().filter(line -> line.contains("does not know")))
        .containsExactly(
            "WARNING the registration answer has a field this version does not know, ignored: 'roles' (the peer is probably of a newer version)",
            "WARNING the sync answer has a field this version does not know, ignored: 'approvals' (the peer is probably of a newer version)");
  }

  @Test
  void anOlderControllerIsNamedInTheLog() throws Exception {
    serve(
        body ->
            body.get("service") != null
                ? Map.of("process", "p-4", "heartbeatMillis", 100)
                : Map.of("desiredVersion", 0, "unchanged", true));
    KeptLog log = new KeptLog();
    link = new FleetLink(settings(), "t0ken", new EventTarget(0), log);
    link.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> !syncs().isEmpty());
    assertThat(log.lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("WARNING the controller speaks agent protocol 1 and this agent"));
  }

  @Test
  void whenTheFirstControllerDiesTheLinkMovesToTheNextRegistersAgainAndKeepsItsChanges()
      throws Exception {
    List<Received> atSecond = new CopyOnWriteArrayList<>();
    Function<Map<String, Object>, Object> first = handingOutC1("p-1", 100);
    serve(first);
    // The second controller does not know p-1 (as one on another store would not): it answers
    // UNKNOWN_PROCESS until the agent registers with it, then has the same desired list.
    HttpServer second =
        controller(
            atSecond,
            body -> {
              if (body.get("service") != null) {
                return Map.of("process", "p-2", "heartbeatMillis", 100);
              }
              if ("p-1".equals(body.get("process"))) {
                throw new JLiveException(
                    ErrorCode.UNKNOWN_PROCESS, "process p-1 is not registered", "register again");
              }
              return first.apply(body);
            });
    try {
      RevertCounting target = new RevertCounting();
      link =
          new FleetLink(
              new FleetSettings(
                  List.of(urlOf(server), urlOf(second)),
                  "shop",
                  Map.of(),
                  null,
                  "t0ken",
                  null,
                  false,
                  false,
                  null),
              "t0ken",
              target,
              NoLog.INSTANCE);
      link.start();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> "p-1".equals(link.status().get("process")));
      await().atMost(Duration.ofSeconds(20)).until(() -> target.applied.get() == 1);
      assertThat(link.status())
          .containsEntry("url", urlOf(server).toString())
          .containsEntry("urls", List.of(urlOf(server).toString(), urlOf(second).toString()));

      server.stop(0);
      server = null;

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> "p-2".equals(link.status().get("process")));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(atSecond)
                      .anySatisfy(
                          request ->
                              assertThat((Map<String, Object>) request.body().get("changes"))
                                  .containsEntry(
                                      "c1", Map.of("state", "applied", "localId", "p1"))));
      assertThat(link.status())
          .containsEntry("url", urlOf(second).toString())
          .containsEntry("connected", true);
      // Kept, not reverted and applied again: the second controller's list is the same.
      assertThat(target.applied.get()).isEqualTo(1);
      assertThat(target.reverted.get()).isZero();
      // Same instance, registered again: the agent did not become a new one.
      List<Object> instances =
          atSecond.stream()
              .filter(request -> request.path().equals(FleetApi.REGISTER))
              .map(request -> request.body().get("instance"))
              .toList();
      assertThat(instances)
          .isNotEmpty()
          .allSatisfy(
              instance ->
                  assertThat(instance)
                      .isEqualTo(
                          received.stream()
                              .filter(request -> request.path().equals(FleetApi.REGISTER))
                              .findFirst()
                              .orElseThrow()
                              .body()
                              .get("instance")));
    } finally {
      second.stop(0);
    }
  }

  // ---- helpers ----

  private static URI urlOf(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Applies c1 as p1 and counts applies and reverts. */
  private static final class RevertCounting extends EventTarget {
    final AtomicInteger applied = new AtomicInteger();
    final AtomicInteger reverted = new AtomicInteger();

    RevertCounting() {
      super(0);
    }

    @Override
    public String apply(ChangeKind kind, Map<String, Object> spec, String author) {
      applied.incrementAndGet();
      return super.apply(kind, spec, author);
    }

    @Override
    public void revert(String localId, String why) {
      reverted.incrementAndGet();
    }
  }

  private FleetLink link(FleetTarget target) {
    return new FleetLink(settings(), "t0ken", target, NoLog.INSTANCE);
  }

  private FleetSettings settings() {
    return new FleetSettings(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
        "shop",
        Map.of("zone", "a"),
        null,
        "t0ken",
        null,
        false,
        false,
        null);
  }

  private void serve(Function<Map<String, Object>, Object> answer) throws IOException {
    server = controller(received, answer);
  }

  /** A stand-in controller on a free loopback port, keeping what it receives in {@code into}. */
  private static HttpServer controller(
      List<Received> into, Function<Map<String, Object>, Object> answer) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.setExecutor(
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "test-controller");
              thread.setDaemon(true);
              return thread;
            }));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            Map<String, Object> body =
                Json.parseObject(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            assertThat(exchange.getRequestHeaders().getFirst("Authorization"))
                .isEqualTo("Bearer t0ken");
            into.add(new Received(System.nanoTime(), exchange.getRequestURI().getPath(), body));
            try {
              send(exchange, 200, answer.apply(body));
            } catch (JLiveException e) {
              send(exchange, e.code().httpStatus(), e.toJson());
            }
          }
        });
    server.start();
    return server;
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private List<Received> syncs() {
    return received.stream().filter(request -> request.path().equals(FleetApi.SYNC)).toList();
  }

  private List<Map<String, Object>> tagged() {
    List<Map<String, Object>> events = new ArrayList<>();
    syncs().forEach(sync -> events.addAll((List<Map<String, Object>>) sync.body().get("events")));
    return events;
  }

  /**
   * Applying c1 makes probe p1; then {@code count} events come, every third of a local probe p9 in
   * between.
   */
  private static class EventTarget implements FleetTarget {
    private final int count;
    private final List<Map<String, Object>> log = new CopyOnWriteArrayList<>();
    private final Set<String> applied = new HashSet<>();

    EventTarget(int count) {
      this.count = count;
      log.add(Map.of("seq", 1L, "probe", "p9", "message", "before the link"));
    }

    @Override
    public String apply(ChangeKind kind, Map<String, Object> spec, String author) {
      applied.add("p1");
      int fleet = 0;
      while (fleet < count) {
        long seq = log.size() + 1;
        boolean local = seq % 3 == 0;
        log.add(Map.of("seq", seq, "probe", local ? "p9" : "p1", "message", "m" + seq));
        fleet += local ? 0 : 1;
      }
      return "p1";
    }

    @Override
    public void revert(String localId, String why) {}

    @Override
    public String notLive(String localId) {
      return null;
    }

    @Override
    public Map<String, Object> metrics(String localId) {
      return Map.of("id", localId, "calls", (long) count);
    }

    @Override
    public long nextEventSequence() {
      return log.size() + 1;
    }

    @Override
    public Events events(long after, int limit) {
      List<Map<String, Object>> slice = new ArrayList<>();
      long last = after;
      for (Map<String, Object> event : log) {
        long seq = (Long) event.get("seq");
        if (seq > after && slice.size() < limit) {
          slice.add(event);
          last = seq;
        }
      }
      return new Events(slice, last);
    }
  }
}

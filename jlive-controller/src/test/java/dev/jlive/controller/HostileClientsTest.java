package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller under clients that send slowly, wait long or lie about their name: an
 * authenticated request is still answered at once, slow senders are cut off at the request
 * deadline, and a user name a client sends is ignored (the author is the token's user).
 */
class HostileClientsTest {
  /** The controller's logger, held so that its level and handler stay while a test runs. */
  private static final Logger CONTROLLER_LOG = Logger.getLogger("jlive.controller");

  @RegisterExtension
  static final ControllerOnZooKeeper fixture = new ControllerOnZooKeeper(Duration.ofSeconds(20));

  /** The controller's admin, and an agent for the agent protocol. */
  private static Http http() {
    return fixture.http();
  }

  private final List<Socket> opened = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void closeSockets() throws IOException {
    trickle.shutdownNow();
    for (Socket socket : opened) {
      socket.close();
    }
  }

  @Test
  void anAuthenticatedRequestIsAnsweredWhileSlowClientsAndLongPollsHoldMoreThanTheOldWorkers()
      throws Exception {
    // Twenty agents waiting in their long polls.
    List<String> processes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      processes.add(register(http(), "waiting", 500 + i));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((List<?>) http().get(FleetApi.processes("waiting")).body().get("processes")).size()
                    == 20);
    for (String process : processes) {
      http()
          .send(
              "POST",
              FleetApi.SYNC,
              Map.of("process", process, "desiredVersion", 0, "waitMillis", 20_000));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((Number) http().get(FleetApi.HEALTH).body().get("waitingPolls")).intValue() >= 20);
    // Forty unauthenticated clients that send a header line every 2 s (the old server had 16
    // workers).
    for (int i = 0; i < 40; i++) {
      Socket slow = open();
      slow.getOutputStream()
          .write("GET /v1/services HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
      int[] lines = {0};
      trickle.scheduleAtFixedRate(
          () -> {
            try {
              slow.getOutputStream()
                  .write(
                      ("X-Slow-" + lines[0]++ + ": y\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException closed) {
              // Cut off at the deadline.
            }
          },
          0,
          2,
          TimeUnit.SECONDS);
    }
    // The slow clients' deadline is 10 s; the answer must come before it.
    Reply services =
        exchange("GET /v1/services HTTP/1.1\r\n" + auth() + "\r\n", Duration.ofSeconds(8));

    assertThat(services.status()).as(services.toString()).isEqualTo(200);
    assertThat(Json.parseObject(services.body())).containsKey("services");
  }

  @Test
  void aClientStillSendingItsHeadersIsCutOffAtTheDeadline() throws Exception {
    Socket slow = open();
    slow.setSoTimeout(30_000);
    slow.getOutputStream()
        .write("GET /v1/services HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
    trickle.scheduleAtFixedRate(
        () -> {
          try {
            slow.getOutputStream().write("X-Slow: y\r\n".getBytes(StandardCharsets.ISO_8859_1));
          } catch (IOException closed) {
            // Cut off.
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    long start = System.nanoTime();

    int first;
    try {
      first = slow.getInputStream().read();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the slow client was still connected after 30 s", e);
    } catch (IOException reset) {
      first = -1;
    }

    assertThat(first).isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void noBodyIsReadBeforeTheTokenIsChecked() throws Exception {
    Reply reply =
        exchange(
            "POST /v1/services/shop/changes HTTP/1.1\r\nContent-Length: 4000000\r\n\r\n",
            Duration.ofSeconds(3));

    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(Json.parseObject(reply.body())).containsKey("error");
  }

  @Test
  void aUserHeaderIsIgnoredTheAuthorIsTheTokensUser() throws Exception {
    register(http(), "audited", 900);
    String body = Json.write(ControllerTest.probe("com.acme.Audit#run"));
    String forged = "eve\u001b[1A\u001b[2Kadmin";
    String request =
        "POST "
            + FleetApi.changes("audited")
            + " HTTP/1.1\r\n"
            + auth()
            + "X-JLive-User: "
            + forged
            + "\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n"
            + body;
    // The registration reaches the controller's mirror of ZooKeeper a moment later.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Reply added = exchange(request, Duration.ofSeconds(30));
              assertThat(added.status()).as(added.toString()).isEqualTo(201);
            });

    Http.Answer history = http().get(FleetApi.changes("audited"));

    assertThat(Http.field(history.body().get("changes"), "author"))
        .containsExactly(Controller.ADMIN);
  }

  @Test
  void requestsInHandArePerPeerCappedWithAClearStatus() throws Exception {
    System.setProperty("jlive.controller.maxRequestsPerPeer", "3");
    Path otherData = fixture.dataDir().resolve("capped");
    try (Controller capped =
        Controller.start(
            ControllerConfig.defaults(otherData)
                .withZooKeeper(fixture.zooKeeperConnectString())
                .withHeartbeat(Duration.ofSeconds(20))
                .withPort(0))) {
      // It joins the first one's ensemble, which has users already: the admin is the first's.
      Http cappedHttp = Http.asAdminAndAgent(capped, fixture.controller().token());
      List<CompletableFuture<Http.Answer>> polls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String process = register(cappedHttp, "capped", 700 + i);
        polls.add(
            cappedHttp.send(
                "POST",
                FleetApi.SYNC,
                Map.of("process", process, "desiredVersion", 0, "waitMillis", 20_000)));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Http.Answer refused = cappedHttp.get(FleetApi.HEALTH);
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.body().toString()).contains("BUSY").contains("requests in hand");
              });
    } finally {
      System.clearProperty("jlive.controller.maxRequestsPerPeer");
    }
  }

  @Test
  void aClientThatHangsUpInItsBodyIsNoErrorInTheLog() throws Exception {
    // An overloaded controller cut thousands of polls at its request deadline, and a SEVERE with
    // a stack trace for each held every HTTP thread on the log's lock (docs/BENCHMARKS.md, 27).
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler keep =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    keep.setLevel(Level.ALL);
    Level before = CONTROLLER_LOG.getLevel();
    CONTROLLER_LOG.setLevel(Level.FINE);
    CONTROLLER_LOG.addHandler(keep);
    try {
      try (Socket socket = open()) {
        socket
            .getOutputStream()
            .write(
                ("POST "
                        + FleetApi.SYNC
                        + " HTTP/1.1\r\nHost: x\r\n"
                        + auth()
                        + "Content-Length: 1000\r\n\r\n{\"process\":")
                    .getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
      }

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  records.stream()
                      .anyMatch(r -> r.getMessage().startsWith("request not read whole")));
      assertThat(records)
          .noneMatch(r -> r.getMessage().startsWith("request failed"))
          .filteredOn(r -> r.getMessage().startsWith("request not read whole"))
          .allMatch(r -> r.getLevel().intValue() < Level.INFO.intValue());
      // The server still answers the next request.
      assertThat(http().get(FleetApi.HEALTH).status()).isEqualTo(200);
    } finally {
      CONTROLLER_LOG.removeHandler(keep);
      CONTROLLER_LOG.setLevel(before);
    }
  }

  private static String register(Http client, String service, long pid) {
    RegisterBody body =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION,
            service,
            "host-a",
            pid,
            "17",
            "test",
            Map.of(),
            "inst" + pid);
    Http.Answer answer = client.post(FleetApi.REGISTER, body.toJson());
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return RegisterAnswer.fromWire(answer.body()).process();
  }

  private static int port() {
    return URI.create(fixture.controller().url()).getPort();
  }

  private static String auth() {
    return "Authorization: Bearer " + fixture.controller().token() + "\r\n";
  }

  private Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", port());
    opened.add(socket);
    return socket;
  }

  private static Reply exchange(String request, Duration timeout) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port())) {
      socket.setSoTimeout((int) timeout.toMillis());
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return read(socket);
    }
  }

  /** One answer: the status line, headers, and a body of Content-Length bytes. */
  private static Reply read(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new AssertionError("the connection closed before an answer: " + head);
        }
        head.write(b);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      return new Reply(
          Integer.parseInt(text.substring(9, 12)),
          new String(in.readNBytes(length), StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "no answer within " + socket.getSoTimeout() + " ms; got so far: " + head, e);
    }
  }

  private record Reply(int status, String body) {}
}

package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.IdleApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's endpoint under clients that send slowly, wait long, lie about their body or their
 * name: a valid request is still answered at once, and nothing they send forges a log line, a table
 * row or an invalid error body.
 */
class HostileClientTest {
  private static final String POLL = "GET /v1/events?waitMillis=10000 HTTP/1.1\r\n";
  private static TargetJvm target;
  private static Discovery discovery;
  private static String pid;
  private final List<Socket> opened = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void startTarget() throws Exception {
    target = TargetJvm.on(Jdk.JAVA_17).javaagent("").main(IdleApp.class).start();
    pid = Long.toString(target.pid());
    discovery = Discovery.read(Artifacts.runtimeDir(), target.pid()).orElseThrow();
  }

  @AfterAll
  static void stopTarget() throws Exception {
    target.close();
  }

  @AfterEach
  void closeSockets() throws IOException {
    trickle.shutdownNow();
    for (Socket socket : opened) {
      socket.close();
    }
    jlive("probe", "rm", pid, "--all");
  }

  @Test
  void aValidRemovalIsAnsweredWhileSlowClientsAndLongPollsHoldMoreThanTheWorkers()
      throws Exception {
    String probe = addProbe("tester");
    // Eight clients that send one byte every 2 s (twice the four workers), and six idle long polls.
    for (int i = 0; i < 8; i++) {
      Socket slow = open();
      byte[] request =
          ("GET /v1/info HTTP/1.1\r\nAuthorization: Bearer " + discovery.token() + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1);
      int[] sent = {0};
      trickle.scheduleAtFixedRate(
          () -> {
            try {
              if (sent[0] < request.length - 1) {
                slow.getOutputStream().write(request[sent[0]++]);
              }
            } catch (IOException closed) {
              // The server dropped it: what a deadline does.
            }
          },
          0,
          2,
          TimeUnit.SECONDS);
    }
    for (int i = 0; i < 6; i++) {
      open()
          .getOutputStream()
          .write((POLL + auth() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    // The slow clients' deadline is 10 s; the answer must come well before it.
    Reply removed =
        exchange(
            "DELETE /v1/probes?id=" + probe + " HTTP/1.1\r\n" + auth() + "\r\n",
            Duration.ofSeconds(8));

    assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
    assertThat(removed.body()).contains(probe);
  }

  @Test
  void slowClientsAreCutOffAtTheRequestDeadline() throws Exception {
    Socket slow = open();
    slow.setSoTimeout(20_000);
    slow.getOutputStream().write("GET /v1/info HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
    long start = System.nanoTime();

    Reply reply = read(slow);

    assertThat(reply.status()).isEqualTo(408);
    assertThat(Json.parseObject(reply.body()))
        .extractingByKey("error")
        .asString()
        .contains("REQUEST_TIMEOUT");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void capsAreRefusedWithAClearStatus() throws Exception {
    List<Socket> polls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Socket poll = open();
      poll.getOutputStream().write((POLL + auth() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      polls.add(poll);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Reply ninth = exchange(POLL + auth() + "\r\n", Duration.ofSeconds(5));
              assertThat(ninth.status()).as(ninth.toString()).isEqualTo(429);
              assertThat(ninth.body()).contains("BUSY").contains("`jlive tail` sessions waiting");
            });
    for (Socket poll : polls) {
      poll.close();
    }

    // Sixty-five connections that never finish their headers: the oldest is dropped, with a reason.
    Socket oldest = open();
    oldest
        .getOutputStream()
        .write("GET /v1/info HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < 64; i++) {
      open().getOutputStream().write('G');
    }
    oldest.setSoTimeout(5_000);
    Reply dropped = read(oldest);
    assertThat(dropped.status()).as(dropped.toString()).isEqualTo(429);
    assertThat(dropped.body()).contains("connection cap").contains("dropped to make room");

    // With the caps full of connections that never finish their headers, a valid request still gets
    // in.
    Reply info = exchange("GET /v1/info HTTP/1.1\r\n" + auth() + "\r\n", Duration.ofSeconds(8));
    assertThat(info.status()).as(info.toString()).isEqualTo(200);
  }

  @Test
  void noBodyIsReadBeforeTheTokenIsChecked() throws Exception {
    Reply reply =
        exchange(
            "POST /v1/probes HTTP/1.1\r\nContent-Length: 4000000\r\n\r\n", Duration.ofSeconds(3));

    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(Json.parseObject(reply.body())).containsKey("error");
  }

  @Test
  void aGarbageRequestLineGetsAValidJsonError() throws Exception {
    Reply reply = exchange("GARBAGE \"quoted\" \\x \u001b[2J\r\n\r\n", Duration.ofSeconds(5));

    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    Map<String, Object> error = Json.parseObject(reply.body());
    assertThat(error.toString()).contains("BAD_REQUEST").contains("not an HTTP/1.1 request line");
  }

  @Test
  void aForgedUserNameIsEscapedInTheLogAndInChanges() throws Exception {
    String forged = "eve\nINFO: POST /v1/patches by admin\u001b[1A\u001b[2Kadmin";
    addProbe(forged);

    String log =
        Files.readString(Artifacts.runtimeDir().resolve(pid + ".log"), StandardCharsets.UTF_8);
    assertThat(log)
        .contains("by eve\\nINFO: POST /v1/patches by admin\\u001b[1A\\u001b[2Kadmin")
        .doesNotContain("\nINFO: POST /v1/patches by admin")
        .doesNotContain("\u001b");
    CliRun changes = jlive("changes", pid);
    assertThat(changes.exitCode()).as(changes.toString()).isZero();
    assertThat(changes.stdout())
        .contains("eve\\nINFO")
        .doesNotContain("\u001b")
        .doesNotContain("\nINFO:");
  }

  private static String addProbe(String user) throws IOException {
    String body =
        Json.write(Map.of("selector", IdleApp.class.getName() + "#pong", "kind", "count"));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Reply added =
        exchange(
            "POST /v1/probes HTTP/1.1\r\n"
                + auth()
                + "X-JLive-User: "
                + user
                + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + bytes.length
                + "\r\n\r\n"
                + body,
            Duration.ofSeconds(30));
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
    return String.valueOf(Json.parseObject(added.body()).get("id"));
  }

  private static String auth() {
    return "Authorization: Bearer " + discovery.token() + "\r\n";
  }

  private Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", discovery.port());
    opened.add(socket);
    return socket;
  }

  /** One request on its own connection; the answer, or a failure once {@code timeout} passes. */
  private static Reply exchange(String request, Duration timeout) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", discovery.port())) {
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(socket);
    }
  }

  private static Reply read(Socket socket) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    try {
      in.transferTo(all);
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "no answer within " + socket.getSoTimeout() + " ms; got so far: " + all, e);
    } catch (IOException reset) {
      // A server that closes right after answering may reset; what arrived is the answer.
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      throw new AssertionError("not an HTTP answer: " + text);
    }
    return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(end + 4));
  }

  private record Reply(int status, String body) {}
}

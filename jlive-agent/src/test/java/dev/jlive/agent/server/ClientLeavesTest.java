package dev.jlive.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose input ends while its request is handled. A thread dump with a {@code --grep} is
 * stopped (its worker interrupted, which the grep's budget checks) instead of burning its whole
 * budget for nobody; a client that only closed its sending side still reads the answer; other
 * requests are let finish.
 */
class ClientLeavesTest {
  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private final AtomicInteger interrupted = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final Semaphore handling = new Semaphore(0);
  private HttpListener listener;

  /**
   * Handles every request by sleeping (a minute for a thread dump, as a pathological grep works),
   * and counts how it ended.
   */
  @BeforeEach
  void start() throws Exception {
    listener =
        HttpListener.start(
            InetAddress.getLoopbackAddress(),
            0,
            workers,
            new HttpListener.Handler() {
              @Override
              public HttpListener.Response authenticate(HttpListener.RawRequest head) {
                return null;
              }

              @Override
              public void handle(
                  HttpListener.RawRequest request, Consumer<HttpListener.Response> respond) {
                handling.release();
                boolean cancelled = false;
                try {
                  Thread.sleep(request.target().startsWith("/v1/threads") ? 60_000 : 1_500);
                  finished.incrementAndGet();
                } catch (InterruptedException e) {
                  cancelled = true;
                  interrupted.incrementAndGet();
                }
                respond.accept(
                    new HttpListener.Response(
                        cancelled ? 400 : 200,
                        "text/plain",
                        (cancelled ? "cancelled" : "done").getBytes(StandardCharsets.UTF_8)));
              }
            },
            1024);
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    workers.shutdownNow();
    workers.awaitTermination(10, TimeUnit.SECONDS);
  }

  private Socket send(String method, String target) throws Exception {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port());
    OutputStream out = socket.getOutputStream();
    out.write(
        (method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    assertThat(handling.tryAcquire(20, TimeUnit.SECONDS))
        .as("the request reached a worker")
        .isTrue();
    return socket;
  }

  @Test
  void aGrepWhoseClientLeftIsStopped() throws Exception {
    send("GET", "/v1/threads?grep=x").close();

    // The handler sleeps for a minute unless interrupted; the wait's bound is well below that.
    await().atMost(Duration.ofSeconds(20)).until(() -> interrupted.get() == 1);
    assertThat(finished).hasValue(0);
  }

  @Test
  void aClientThatOnlyStoppedSendingStillReadsTheAnswer() throws Exception {
    try (Socket socket = send("GET", "/v1/threads?grep=x")) {
      socket.shutdownOutput();
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 400").endsWith("cancelled");
    }
    assertThat(interrupted).hasValue(1);
  }

  @Test
  void otherRequestsWhoseClientLeftAreLetFinish() throws Exception {
    send("POST", "/v1/patches").close();

    await().atMost(Duration.ofSeconds(20)).until(() -> finished.get() == 1);
    assertThat(interrupted).hasValue(0);
  }
}

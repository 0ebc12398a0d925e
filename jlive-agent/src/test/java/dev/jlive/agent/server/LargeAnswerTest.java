package dev.jlive.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker writes an answer as far as the socket takes it at once and hands the rest to the I/O
 * thread: an answer far larger than the socket's buffers (8 MB against a 64 KB receive buffer and
 * at most a few MB of send buffer) still arrives whole and in order, as do small answers written at
 * once, and the connection then closes.
 */
class LargeAnswerTest {
  private static final int LARGE = 8 * 1024 * 1024;

  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private HttpListener listener;

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
                int size = request.target().equals("/large") ? LARGE : 5;
                respond.accept(
                    new HttpListener.Response(200, "application/octet-stream", body(size)));
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

  /** Every byte differs from its neighbours, so a lost or repeated chunk changes the body. */
  private static byte[] body(int size) {
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) (i * 31 + (i >>> 8));
    }
    return body;
  }

  @Test
  void aLargeAnswerArrivesWholeAndTheConnectionCloses() throws Exception {
    byte[] answer = get("/large", 64 * 1024);
    assertThat(bodyOf(answer)).hasSize(LARGE).isEqualTo(body(LARGE));
  }

  @Test
  void smallAnswersArriveWholeOneAfterAnother() throws Exception {
    for (int i = 0; i < 50; i++) {
      assertThat(bodyOf(get("/small", 1024))).isEqualTo(body(5));
    }
  }

  /**
   * The whole answer, read until the server closes the connection, with a receive buffer of chunk.
   */
  private byte[] get(String target, int chunk) throws Exception {
    try (Socket socket = new Socket(listener.host(), listener.port())) {
      socket.setReceiveBufferSize(chunk);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buffer = new byte[chunk];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        all.write(buffer, 0, n);
      }
      return all.toByteArray();
    }
  }

  private static byte[] bodyOf(byte[] answer) {
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    assertThat(text).startsWith("HTTP/1.1 200 ").contains("Content-Length: ");
    return Arrays.copyOfRange(answer, end + 4, answer.length);
  }
}

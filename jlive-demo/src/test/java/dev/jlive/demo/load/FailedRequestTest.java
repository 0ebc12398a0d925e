package dev.jlive.demo.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

class FailedRequestTest {

  @Test
  void eachFailureIsToldByItsReason() {
    assertThat(FailedRequest.reason(new HttpTimeoutException("request timed out")))
        .isEqualTo("timeout");
    assertThat(FailedRequest.reason(new HttpConnectTimeoutException("HTTP connect timed out")))
        .isEqualTo("connect-timeout");
    assertThat(FailedRequest.reason(new ConnectException("Connection refused")))
        .isEqualTo("refused");
    assertThat(FailedRequest.reason(new IOException("Connection reset"))).isEqualTo("reset");
    assertThat(FailedRequest.reason(new IOException("no space left"))).isEqualTo("io");
  }

  /** Seen on Java 25: the client's pool closed the connection it had just handed to the request. */
  @Test
  void aConnectionTheClientPoolDroppedIsToldApartFromOtherResets() {
    IOException pool =
        new IOException(
            "HTTP/1.1 header parser received no bytes",
            new IOException(
                "connection closed locally",
                new IOException(
                    "Unexpected cleanup triggered for non pooled connection",
                    new IOException("Data received while in pool"))));

    assertThat(FailedRequest.reason(pool)).isEqualTo("reset");
    assertThat(FailedRequest.droppedByTheClientPool(pool)).isTrue();
    assertThat(FailedRequest.droppedByTheClientPool(new IOException("Connection reset"))).isFalse();
    // Java 17 says less about the same thing.
    assertThat(
            FailedRequest.droppedByTheClientPool(
                new IOException(
                    "HTTP/1.1 header parser received no bytes",
                    new IOException("connection closed locally"))))
        .isTrue();
    assertThat(
            FailedRequest.droppedByTheClientPool(
                new IOException(
                    "HTTP/1.1 header parser received no bytes",
                    new EOFException("EOF reached while reading"))))
        .isFalse();
    FailedRequest failed = FailedRequest.of(3, "POST", "/carts", pool);
    assertThat(failed.line())
        .startsWith("load failed at=")
        .contains(
            " after_ms=3 request=POST /carts reason=reset detail=java.io.IOException: HTTP/1.1")
        .contains("<- java.io.IOException: Data received while in pool");
    assertThat(failed.line(FailedRequest.RETRIED)).startsWith("load retried at=");
  }
}

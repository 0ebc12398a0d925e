package dev.jlive.demo.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Calls the shop over HTTP and records every call in the {@link Tally}. Paced by the {@link
 * RatePacer}; interrupting the calling thread abandons the call unrecorded.
 */
final class ShopClient {

  /** Long enough for a loaded 2-core machine, short enough that a hung service shows as errors. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** An answer; {@code status} is 0 if there was none. */
  record Reply(int status, String body) {

    static final Reply NONE = new Reply(0, "");

    boolean is(int expected) {
      return status == expected;
    }
  }

  private final HttpClient http;
  private final URI base;
  private final RatePacer pacer;
  private final Tally tally;
  private final PrintStream failures;

  /**
   * @param failures where each request that got no answer is printed, as a {@link FailedRequest}
   *     line
   */
  ShopClient(URI base, RatePacer pacer, Tally tally, PrintStream failures) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();
    this.base = base;
    this.pacer = pacer;
    this.tally = tally;
    this.failures = failures;
  }

  Reply get(String pathAndQuery) throws InterruptedException {
    return call("GET", pathAndQuery);
  }

  Reply post(String pathAndQuery) throws InterruptedException {
    return call("POST", pathAndQuery);
  }

  /** One call outside the pacing and the tally, for finding out what the shop sells. */
  Reply probe(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request("GET", pathAndQuery), BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  private Reply call(String method, String pathAndQuery) throws InterruptedException {
    pacer.await();
    HttpRequest request = request(method, pathAndQuery);
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        tally.answered(response.statusCode(), micros(start));
        return new Reply(response.statusCode(), response.body());
      } catch (IOException e) {
        FailedRequest failed =
            FailedRequest.of(
                TimeUnit.MICROSECONDS.toMillis(micros(start)), method, pathAndQuery, e);
        if (attempt == 1 && FailedRequest.droppedByTheClientPool(e)) {
          print(failed.line(FailedRequest.RETRIED));
          continue;
        }
        // Counted as an error, and printed with its reason: such failures are rare, and each one
        // needs explaining (an answer of 500 or more is the server's to log).
        tally.failed(micros(start));
        print(failed.line());
        return Reply.NONE;
      }
    }
  }

  private void print(String line) {
    synchronized (failures) {
      failures.println(line);
      failures.flush();
    }
  }

  private HttpRequest request(String method, String pathAndQuery) {
    return HttpRequest.newBuilder(base.resolve(pathAndQuery))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(REQUEST_TIMEOUT)
        .build();
  }

  private static long micros(long startNanos) {
    return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
  }
}

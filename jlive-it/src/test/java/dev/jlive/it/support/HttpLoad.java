package dev.jlive.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests in a loop on a few threads, each answer kept as the latest; every failed request is
 * recorded.
 */
public final class HttpLoad implements AutoCloseable {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicReference<String> last = new AtomicReference<>("");
  private volatile boolean stop;

  /** Starts one thread per URL, each requesting its URL over and over. */
  public static HttpLoad start(String... urls) {
    HttpLoad load = new HttpLoad();
    for (String url : urls) {
      Thread thread = new Thread(() -> load.loop(URI.create(url)), "http-load " + url);
      thread.setDaemon(true);
      load.threads.add(thread);
      thread.start();
    }
    return load;
  }

  private void loop(URI uri) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    while (!stop) {
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          failures.add(uri + " answered " + response.statusCode() + ": " + response.body());
        } else {
          last.set(response.body());
          answered.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.add(uri + " failed: " + e);
      }
    }
  }

  public long answered() {
    return answered.get();
  }

  public String last() {
    return last.get();
  }

  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** One request now, outside the loop: its status and body. */
  public String get(String url) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    for (Thread thread : threads) {
      thread.join(Duration.ofSeconds(40).toMillis());
    }
  }
}

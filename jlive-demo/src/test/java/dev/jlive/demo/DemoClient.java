package dev.jlive.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Calls an embedded {@link DemoService} over real HTTP, as any client would. */
public final class DemoClient {

  /** Generous: the tests run on loaded 2-core machines, and a hang should fail, not block. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private final URI base;

  public DemoClient(DemoService service) {
    this.base = URI.create("http://127.0.0.1:" + service.port());
  }

  public record Answer(int status, String body) {

    /** A whole-number field of a JSON answer; fails the test if there is none. */
    public long number(String field) {
      Matcher matcher = Pattern.compile("\"" + field + "\":(-?\\d+)").matcher(body);
      if (!matcher.find()) {
        throw new AssertionError("no number field '" + field + "' in " + body);
      }
      return Long.parseLong(matcher.group(1));
    }

    /** A string field of a JSON answer (the first one, if nested); fails if there is none. */
    public String text(String field) {
      Matcher matcher = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(body);
      if (!matcher.find()) {
        throw new AssertionError("no string field '" + field + "' in " + body);
      }
      return matcher.group(1);
    }

    /** Every value of a string field, in order. */
    public List<String> texts(String field) {
      Matcher matcher = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(body);
      List<String> values = new ArrayList<>();
      while (matcher.find()) {
        values.add(matcher.group(1));
      }
      return values;
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Answer get(String path) {
    return send("GET", path);
  }

  public Answer post(String path) {
    return send("POST", path);
  }

  public Answer send(String method, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(TIMEOUT)
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " got no answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(method + " " + path + " was interrupted", e);
    }
  }

  /** Opens a cart and answers its id. */
  public String newCart() {
    Answer created = post("/carts");
    if (created.status() != 201) {
      throw new AssertionError("POST /carts answered " + created);
    }
    return created.text("id");
  }

  /** The current value of one counter of {@code GET /stats}. */
  public long stat(String counter) {
    return get("/stats").number(counter);
  }
}

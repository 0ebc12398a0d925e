package dev.jlive.cli.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Which {@link HttpClient} a command's requests go through: a new one per command, or, inside
 * {@code jlive shell}, the session's, so that every command of the session reuses its open
 * connection instead of connecting again. Scoped to the thread like {@link Notes}, so a command run
 * outside a shell (or a test running many) never shares a client by accident.
 */
public final class HttpClients {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final ThreadLocal<HttpClient> SESSION = new ThreadLocal<>();

  private HttpClients() {}

  /** A client as the commands make them. */
  public static HttpClient newClient() {
    return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** Runs {@code command} with its requests going through {@code client}. */
  public static <T> T reusing(HttpClient client, Supplier<T> command) {
    HttpClient before = SESSION.get();
    SESSION.set(client);
    try {
      return command.get();
    } finally {
      SESSION.set(before);
    }
  }

  /** The session's client if a shell runs this command, else a new one. */
  static HttpClient current() {
    HttpClient session = SESSION.get();
    return session != null ? session : newClient();
  }
}

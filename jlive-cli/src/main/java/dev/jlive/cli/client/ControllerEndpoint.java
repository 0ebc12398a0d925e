package dev.jlive.cli.client;

import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * Where the controller listens ({@code http(s)://host:port}, perhaps with a path prefix) and its
 * token.
 *
 * @param tls TLS trusting {@code --controller-trust-store}, or null for the JVM's default trust
 */
public record ControllerEndpoint(URI base, String token, SSLContext tls) {
  public ControllerEndpoint(URI base, String token) {
    this(base, token, null);
  }

  public String describe() {
    return "the controller at " + base;
  }

  @Override
  public String toString() {
    return "ControllerEndpoint[" + base + "]";
  }
}

package dev.jlive.cli.client;

import java.net.URI;

/**
 * Where the controller listens ({@code http(s)://host:port}, perhaps with a path prefix) and its
 * token.
 */
public record ControllerEndpoint(URI base, String token) {
  public String describe() {
    return "the controller at " + base;
  }

  @Override
  public String toString() {
    return "ControllerEndpoint[" + base + "]";
  }
}

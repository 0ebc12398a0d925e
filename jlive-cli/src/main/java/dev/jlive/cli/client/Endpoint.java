package dev.jlive.cli.client;

/**
 * Where an agent listens and how to authenticate.
 *
 * @param pid the JVM's pid, or -1 when only host and port are known (a remote agent)
 */
public record Endpoint(String host, int port, String token, long pid) {
  public String address() {
    return host + ":" + port;
  }

  /** How errors name the target: the pid when there is one. */
  public String describe() {
    return pid >= 0 ? "pid " + pid + " (" + address() + ")" : "the agent at " + address();
  }
}

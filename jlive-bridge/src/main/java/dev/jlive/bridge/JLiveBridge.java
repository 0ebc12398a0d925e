package dev.jlive.bridge;

/**
 * The only jlive class on the boot class path, so that code in any class loader of the
 * application can reach the agent, and the agent can be found again on a second attach.
 *
 * <p>It uses {@code java.*} types only and holds nothing but a volatile reference to the running
 * agent, swapped on start and stop. Everything else lives in the agent's own class loader, which
 * becomes unreachable (and collectable) once {@link #release} has cleared this reference.
 */
public final class JLiveBridge {
  private static volatile Object agent;

  private JLiveBridge() {}

  /** The running agent, or null when none runs in this JVM. */
  public static Object agent() {
    return agent;
  }

  /**
   * Makes {@code candidate} the running agent unless one runs already.
   *
   * @return the agent that runs after the call: {@code candidate}, or the one that was there
   */
  public static synchronized Object claim(Object candidate) {
    if (agent == null) {
      agent = candidate;
    }
    return agent;
  }

  /** Clears the running agent if it is {@code owner}; a stale stop must not clear a newer agent. */
  public static synchronized boolean release(Object owner) {
    if (agent == owner) {
      agent = null;
      return true;
    }
    return false;
  }
}

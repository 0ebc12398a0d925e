package dev.jlive.controller.http;

/**
 * The limits of the controller's HTTP server against hostile or broken clients.
 *
 * <p>The JDK server reads a request's line and headers on a worker thread with no deadline of its
 * own, so clients that send one header line every few seconds held every worker. Its {@code
 * sun.net.httpserver.*} settings give an absolute deadline (a connection still reading its request
 * after {@link #REQUEST_DEADLINE_SECONDS} is closed, however the bytes trickle in) and header caps.
 * They are system properties read once per JVM, which is fine here: the controller is its own
 * process. An operator's own {@code -D} settings win.
 */
final class ServerLimits {
  /** Time from the first byte to the last of a request: line, headers and body. */
  static final int REQUEST_DEADLINE_SECONDS = 10;

  /**
   * Open connections in all; more are closed as they are accepted. Above the agents of a large
   * fleet.
   */
  static final int MAX_CONNECTIONS = 16_384;

  /** Requests waiting for a thread when every reading thread is busy. */
  static final int MAX_QUEUED_REQUESTS = 4_096;

  /** Threads that may read requests at once; slow readers hold one each until the deadline. */
  static int maxReadingThreads() {
    return Math.max(16, Integer.getInteger("jlive.controller.maxReadingThreads", 512));
  }

  /**
   * Seconds a reading thread stays after its last request: a burst's threads are gone that long
   * after it. A test that checks they end sets it short rather than wait.
   */
  static int idleThreadSeconds() {
    return Math.max(1, Integer.getInteger("jlive.controller.idleThreadSeconds", 30));
  }

  /** Authenticated requests in hand (parked agent polls included) from one address. */
  static int maxRequestsPerPeer() {
    return Math.max(1, Integer.getInteger("jlive.controller.maxRequestsPerPeer", 4_096));
  }

  private ServerLimits() {}

  /**
   * Sets the JDK server's limits, unless the operator set them; before the first server is made.
   */
  static void apply() {
    setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_DEADLINE_SECONDS));
    // The deadline is checked on a timer; every 250 ms keeps a late request's cut-off close to it.
    setIfAbsent("sun.net.httpserver.timerMillis", "250");
    setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
    setIfAbsent("sun.net.httpserver.maxReqHeaderSize", Integer.toString(64 * 1024));
    setIfAbsent("sun.net.httpserver.idleInterval", "30");
    // An agent's connection is idle from the answer to its poll until its next poll arrives: when a
    // change wakes every parked poll at once, that is every agent of the service. Past this cap the
    // JDK closes the connection instead, and the agent's next poll fails or reconnects.
    setIfAbsent("sun.net.httpserver.maxIdleConnections", Integer.toString(MAX_CONNECTIONS));
    setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}

package dev.jlive.demo;

import com.sun.net.httpserver.HttpServer;
import dev.jlive.demo.http.ShopApi;
import dev.jlive.demo.shop.Shop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shop served over HTTP on the loopback interface.
 *
 * <p>Each instance owns its own {@link Shop}, so tests can run several side by side. A service is
 * started once and stopped once; stopping twice is harmless, starting twice is a mistake.
 *
 * <pre>{@code
 * try (DemoService service = new DemoService().start(0)) {
 *   URI base = URI.create("http://127.0.0.1:" + service.port());
 *   ...
 * }
 * }</pre>
 */
public final class DemoService implements AutoCloseable {

  /** Requests are served by this many threads; enough for the load driver's default four. */
  public static final int HTTP_THREADS = 8;

  private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private final Shop shop = new Shop();
  private HttpServer server;
  private ExecutorService executor;
  private boolean stopped;

  /**
   * Binds {@code 127.0.0.1:port} and starts serving.
   *
   * @param port the port, or 0 for any free one; {@link #port()} tells which
   * @return this service
   * @throws UncheckedIOException if the port cannot be bound
   */
  public synchronized DemoService start(int port) {
    if (server != null || stopped) {
      throw new IllegalStateException(
          "service was already started"
              + (stopped ? " and stopped" : " on port " + port())
              + "; create a new DemoService");
    }
    // Without TCP_NODELAY the server's two writes per answer (headers, then body) meet the client's
    // delayed ACK, and every keep-alive request waits about 40 ms: latency the shop never caused.
    // The JDK reads the property once, when the first server in the JVM is created.
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    HttpServer bound;
    try {
      bound = HttpServer.create(address, 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    executor =
        new ThreadPoolExecutor(
            HTTP_THREADS,
            HTTP_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            namedThreads("jlive-demo-http-"));
    bound.setExecutor(executor);
    bound.createContext("/", ShopApi.handler(shop));
    bound.start();
    server = bound;
    return this;
  }

  /** The port the service listens on. */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("service is not started; call start(port) first");
    }
    return server.getAddress().getPort();
  }

  /** Stops listening, lets running requests finish for a moment, and ends the request threads. */
  public synchronized void stop() {
    if (server == null) {
      stopped = true;
      return;
    }
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
    stopped = true;
  }

  @Override
  public void close() {
    stop();
  }

  private static ThreadFactory namedThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      // The server is the application: its threads keep the JVM alive until stop().
      thread.setDaemon(false);
      return thread;
    };
  }
}

package dev.jlive.demo.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drives load against a shop: {@link LoadOptions#threads()} customers visiting in a loop until the
 * duration is up or {@link #stop()} is called.
 *
 * <p>Every {@link LoadOptions#reportEvery()} it prints a progress line about the stretch since the
 * previous line, so that a change in the service (a patch applied mid-run) shows at once instead of
 * being averaged into the whole run. When the run ends it prints a last progress line for the final
 * stretch, then a {@code load done} line about the whole run:
 *
 * <pre>
 * load elapsed=5.0 requests=4210 rps=842.0 errors=51 p50_ms=1.9 p99_ms=33.0
 * load done elapsed=10.0 requests=8391 rps=839.1 errors=97 p50_ms=1.9 p99_ms=33.0 rejected=0
 * </pre>
 *
 * <p>Each request that got no answer is printed as it happens ({@code load failed ...}, see {@link
 * FailedRequest}), and so is each one sent again because the HTTP client dropped its own connection
 * under it ({@code load retried ...}).
 *
 * <p>Workers are daemon threads and are stopped by interruption, so a stuck request never keeps the
 * driver, or the JVM, from ending.
 */
public final class LoadDriver {

  /** How long to wait for a worker to notice it was stopped; it only needs to leave a request. */
  private static final Duration WORKER_EXIT_WAIT = Duration.ofSeconds(5);

  private final LoadOptions options;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  public LoadDriver(LoadOptions options) {
    this.options = options;
  }

  /**
   * Runs the load and prints progress to {@code out}; returns when the duration is up or {@link
   * #stop()} was called.
   *
   * @return the report on the whole run, as in the {@code load done} line
   * @throws IOException if the target does not answer {@code GET /products} with products
   */
  public LoadReport run(PrintStream out) throws IOException, InterruptedException {
    try {
      return drive(out);
    } finally {
      finished.countDown();
    }
  }

  /** Ends a run early; the run still prints its last lines. Safe to call from a shutdown hook. */
  public void stop() {
    stopRequested.countDown();
  }

  /** Waits for {@link #run} to return, e.g. so that a shutdown hook lets it print its summary. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private LoadReport drive(PrintStream out) throws IOException, InterruptedException {
    Tally tally = new Tally();
    RatePacer pacer = new RatePacer(options.ratePerSecond());
    ShopClient client = new ShopClient(options.target(), pacer, tally, out);
    List<String> products = discoverProducts(client);

    long start = System.nanoTime();
    List<Thread> workers = startWorkers(new Customer(client, products));
    boolean bounded = !options.duration().isZero();
    long end = start + options.duration().toNanos();
    long reportEvery = options.reportEvery().toNanos();
    long lastReport = start;
    Tally.Counts last = Tally.Counts.ZERO;
    try {
      while (true) {
        long now = System.nanoTime();
        long nextReport = lastReport + reportEvery;
        long wakeUp = bounded && end - nextReport < 0 ? end : nextReport;
        if (stopRequested.await(Math.max(0, wakeUp - now), TimeUnit.NANOSECONDS)) {
          break;
        }
        now = System.nanoTime();
        if (bounded && end - now <= 0) {
          break;
        }
        Tally.Counts counts = tally.counts();
        out.println(report(now - start, now - lastReport, counts.minus(last)).progressLine());
        out.flush();
        last = counts;
        lastReport = now;
      }
    } finally {
      stopWorkers(workers);
    }
    long now = System.nanoTime();
    Tally.Counts counts = tally.counts();
    out.println(report(now - start, now - lastReport, counts.minus(last)).progressLine());
    LoadReport whole = report(now - start, now - start, counts);
    out.println(whole.doneLine());
    out.flush();
    return whole;
  }

  private List<String> discoverProducts(ShopClient client)
      throws IOException, InterruptedException {
    URI products = options.target().resolve("/products");
    ShopClient.Reply listing;
    try {
      listing = client.probe("/products");
    } catch (IOException e) {
      throw new IOException(
          "GET " + products + " failed (" + e + "); is a jlive-demo listening there?", e);
    }
    List<String> ids = Customer.productIds(listing.body());
    if (!listing.is(200) || ids.isEmpty()) {
      throw new IOException(
          "GET "
              + products
              + " answered "
              + listing.status()
              + " without products; is a jlive-demo listening there?");
    }
    return ids;
  }

  private List<Thread> startWorkers(Customer customer) {
    List<Thread> workers = new ArrayList<>(options.threads());
    for (int i = 1; i <= options.threads(); i++) {
      Thread worker = new Thread(() -> shop(customer), "jlive-demo-load-" + i);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
    return workers;
  }

  private static void shop(Customer customer) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        customer.visit();
      }
    } catch (InterruptedException e) {
      // Interruption is the stop signal; the thread ends here.
    }
  }

  private static void stopWorkers(List<Thread> workers) throws InterruptedException {
    for (Thread worker : workers) {
      worker.interrupt();
    }
    for (Thread worker : workers) {
      worker.join(WORKER_EXIT_WAIT.toMillis());
    }
  }

  private static LoadReport report(long elapsedNanos, long windowNanos, Tally.Counts counts) {
    return LoadReport.of(Duration.ofNanos(elapsedNanos), Duration.ofNanos(windowNanos), counts);
  }
}

package dev.jlive.demo;

import dev.jlive.demo.load.LoadDriver;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;

/**
 * {@code java -jar jlive-demo.jar}: serves the shop, drives load against it, or both.
 *
 * <p>Standard output carries only what scripts read: the readiness line {@code jlive-demo ready
 * port=<port> pid=<pid>} once the service answers, and the load driver's lines. Logging goes to
 * standard error.
 */
public final class Main {

  /** How long a shutdown hook waits for the load driver to print its summary. */
  private static final Duration SUMMARY_WAIT = Duration.ofSeconds(10);

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    CommandLine line;
    try {
      line = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("jlive-demo: " + e.getMessage());
      System.err.println(CommandLine.USAGE);
      System.exit(2);
      return;
    }
    if (line.help()) {
      System.out.println(CommandLine.USAGE);
      return;
    }
    PrintStream out = System.out;
    DemoService service = null;
    URI target = line.loadTarget().orElse(null);
    if (line.serve()) {
      try {
        service = new DemoService().start(line.port());
      } catch (UncheckedIOException e) {
        System.err.println("jlive-demo: " + e.getMessage() + "; try another --port, or 0 for any");
        System.exit(1);
        return;
      }
      target = URI.create("http://127.0.0.1:" + service.port());
      out.println(
          "jlive-demo ready port=" + service.port() + " pid=" + ProcessHandle.current().pid());
      out.flush();
    }
    LoadDriver driver = line.drivesLoad() ? new LoadDriver(line.loadOptions(target)) : null;
    Runtime.getRuntime().addShutdownHook(new Thread(stopping(driver, service), "jlive-demo-stop"));
    if (driver == null) {
      // The request threads keep the JVM alive; SIGTERM runs the shutdown hook.
      return;
    }
    int status = 0;
    try {
      driver.run(out);
    } catch (IOException e) {
      System.err.println("jlive-demo: cannot drive load: " + e.getMessage());
      status = 1;
    }
    if (service != null) {
      service.stop();
    }
    // Exiting here rather than returning: the HTTP client may still hold idle threads.
    System.exit(status);
  }

  /** What SIGTERM does: end the load run (it prints its summary), then stop serving. */
  private static Runnable stopping(LoadDriver driver, DemoService service) {
    return () -> {
      if (driver != null) {
        driver.stop();
        try {
          driver.awaitFinished(SUMMARY_WAIT);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (service != null) {
        service.stop();
      }
    };
  }
}

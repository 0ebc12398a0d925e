package dev.jlive.demo.load;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How to drive load.
 *
 * @param target the shop's base URI, e.g. {@code http://127.0.0.1:8080}; must be on loopback
 * @param threads how many customers shop at once
 * @param ratePerSecond the total request rate to aim at; 0 for as fast as the threads go
 * @param duration how long to run; {@link Duration#ZERO} for until {@link LoadDriver#stop()}
 * @param reportEvery how often to print a progress line
 */
public record LoadOptions(
    URI target, int threads, double ratePerSecond, Duration duration, Duration reportEvery) {

  public static final int DEFAULT_THREADS = 4;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REPORT_EVERY = Duration.ofSeconds(5);

  public LoadOptions {
    requireLoopback(target);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "rate must be 0 (unlimited) or positive, was " + ratePerSecond);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "duration must be 0 (until stopped) or positive, was " + duration);
    }
    if (reportEvery.isNegative() || reportEvery.isZero()) {
      throw new IllegalArgumentException("reportEvery must be positive, was " + reportEvery);
    }
  }

  /** Defaults for everything but the target. */
  public static LoadOptions against(URI target) {
    return new LoadOptions(target, DEFAULT_THREADS, 0, DEFAULT_DURATION, DEFAULT_REPORT_EVERY);
  }

  public LoadOptions withThreads(int threads) {
    return new LoadOptions(target, threads, ratePerSecond, duration, reportEvery);
  }

  public LoadOptions withRate(double ratePerSecond) {
    return new LoadOptions(target, threads, ratePerSecond, duration, reportEvery);
  }

  public LoadOptions withDuration(Duration duration) {
    return new LoadOptions(target, threads, ratePerSecond, duration, reportEvery);
  }

  public LoadOptions withReportEvery(Duration reportEvery) {
    return new LoadOptions(target, threads, ratePerSecond, duration, reportEvery);
  }

  /**
   * The driver only ever loads the machine it runs on: it is a demo, not a tool to aim at others.
   */
  private static void requireLoopback(URI target) {
    if (!"http".equals(target.getScheme()) || target.getHost() == null) {
      throw new IllegalArgumentException(
          "load target must look like http://127.0.0.1:PORT, was '" + target + "'");
    }
    try {
      if (!InetAddress.getByName(target.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "load target must be on loopback (127.0.0.1, ::1 or localhost), was "
                + target.getHost());
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("load target host is unknown: " + target.getHost(), e);
    }
  }
}

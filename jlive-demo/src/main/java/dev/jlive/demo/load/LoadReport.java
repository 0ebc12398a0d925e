package dev.jlive.demo.load;

import java.time.Duration;
import java.util.Locale;

/**
 * Throughput, errors and latency over a stretch of a load run.
 *
 * @param elapsed time since the run started, at the end of the stretch
 * @param window how long the stretch lasted
 * @param requests requests answered or failed in the stretch
 * @param errors answers of 500 or more, and requests with no answer
 * @param rejected answers of 4xx
 */
public record LoadReport(
    Duration elapsed,
    Duration window,
    long requests,
    long errors,
    long rejected,
    double p50Millis,
    double p99Millis) {

  static LoadReport of(Duration elapsed, Duration window, Tally.Counts counts) {
    return new LoadReport(
        elapsed,
        window,
        counts.requests(),
        counts.errors(),
        counts.rejected(),
        counts.latencies().percentileMillis(50),
        counts.latencies().percentileMillis(99));
  }

  /** Requests per second over the stretch. */
  public double rps() {
    double seconds = window.toNanos() / 1e9;
    return seconds == 0 ? 0 : requests / seconds;
  }

  /**
   * The progress line: {@code load elapsed=<s> requests=<n> rps=<x> errors=<n> p50_ms=<x>
   * p99_ms=<x>}.
   */
  public String progressLine() {
    return "load " + fields();
  }

  /** The summary line: as the progress line, with {@code done} first and the rejected count. */
  public String doneLine() {
    return "load done " + fields() + " rejected=" + rejected;
  }

  private String fields() {
    return String.format(
        Locale.ROOT,
        "elapsed=%.1f requests=%d rps=%.1f errors=%d p50_ms=%.1f p99_ms=%.1f",
        elapsed.toNanos() / 1e9,
        requests,
        rps(),
        errors,
        p50Millis,
        p99Millis);
  }
}

package dev.jlive.demo.load;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the load driver has seen so far. Workers record into it without locks; the reporter takes
 * {@link Counts snapshots} and subtracts them to get each reporting window.
 *
 * <p>An error is an answer of 500 or more, or no answer at all. A 4xx answer is "rejected": the
 * shop refused a request on purpose (out of stock), which is not the service failing.
 */
final class Tally {

  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LatencyHistogram latencies = new LatencyHistogram();

  void answered(int status, long micros) {
    requests.increment();
    if (status >= 500) {
      errors.increment();
    } else if (status >= 400) {
      rejected.increment();
    }
    latencies.record(micros);
  }

  void failed(long micros) {
    requests.increment();
    errors.increment();
    latencies.record(micros);
  }

  Counts counts() {
    return new Counts(requests.sum(), errors.sum(), rejected.sum(), latencies.snapshot());
  }

  /** The tally at one moment, or the difference between two moments. */
  record Counts(long requests, long errors, long rejected, LatencyHistogram.Snapshot latencies) {

    static final Counts ZERO = new Counts(0, 0, 0, LatencyHistogram.Snapshot.EMPTY);

    Counts minus(Counts earlier) {
      return new Counts(
          requests - earlier.requests,
          errors - earlier.errors,
          rejected - earlier.rejected,
          latencies.minus(earlier.latencies));
    }
  }
}

package dev.jlive.bench.overhead;

import dev.jlive.protocol.probe.ProbeSpec;
import java.time.Duration;
import java.util.Map;

/** The probe scenarios the per-call workloads share, each on the workload's own method. */
final class ProbeScenarios {
  private ProbeScenarios() {}

  /**
   * The probe of {@code count}, {@code metrics} (a random 1 call in 8 timed) or {@code
   * metrics-every-call} (two clock reads on every call) on {@code selector}; null for any other
   * scenario.
   */
  static ProbeSpec.Builder shared(String selector, String scenario) {
    return switch (scenario) {
      case "count" -> ProbeSpec.builder(selector, ProbeSpec.Kind.COUNT);
      case "metrics" -> ProbeSpec.builder(selector, ProbeSpec.Kind.METRICS);
      case "metrics-every-call" -> ProbeSpec.builder(selector, ProbeSpec.Kind.METRICS).timeOneIn(1);
      default -> null;
    };
  }

  /**
   * The logs whose calls are nearly all dropped, on a method with an {@code int} parameter named
   * {@code sku} ({@link TwoThreads}, {@link KotlinSuspend}): {@code exit-log-sampled} (one call in
   * 2,000 logged at its exit, with its result), {@code entry-log-sampled} (the same at entry, what
   * a dropped call of the exit log is held against) and {@code exception} (a log of what the method
   * throws, which it never does); null for any other scenario.
   */
  static ProbeSpec.Builder sampledLogs(String selector, String scenario) {
    return switch (scenario) {
      // About 3,000 events a second at the two-thread workload's call rate: a rate limit that
      // never drops, and no copy to the application's logger, so that what is measured is the
      // probe's own path.
      case "exit-log-sampled" ->
          ProbeSpec.builder(selector, ProbeSpec.Kind.LOG)
              .at(ProbeSpec.Point.EXIT)
              .template("sku={sku} -> {return}")
              .sampleOneIn(2000)
              .ratePerSecond(ProbeOverhead.LOG_RATE)
              .appLog(false);
      case "entry-log-sampled" ->
          ProbeSpec.builder(selector, ProbeSpec.Kind.LOG)
              .template("sku={sku}")
              .sampleOneIn(2000)
              .ratePerSecond(ProbeOverhead.LOG_RATE)
              .appLog(false);
      case "exception" ->
          ProbeSpec.builder(selector, ProbeSpec.Kind.LOG)
              .at(ProbeSpec.Point.EXCEPTION)
              .template("sku={sku} threw {thrown}")
              .appLog(false);
      default -> null;
    };
  }

  /**
   * A scenario of a workload of code jlive did not write ({@link H2Scan}, {@link SpringDispatch}):
   * {@code none}, one of the {@link #shared} ones, or {@code log-when-false}, a log whose condition
   * never holds (the first argument is never null there), on {@code selector}; as {@link #toJson}.
   */
  static Map<String, Object> onForeignCode(String selector, String scenario) {
    ProbeSpec.Builder spec =
        switch (scenario) {
          case "none" -> null;
          case "count", "metrics", "metrics-every-call" -> shared(selector, scenario);
          case "log-when-false" ->
              ProbeSpec.builder(selector, ProbeSpec.Kind.LOG)
                  .template("{this}")
                  .when("args[0] == null");
          default ->
              throw new IllegalArgumentException(
                  "unknown scenario '"
                      + scenario
                      + "'; use none, count, metrics, metrics-every-call or log-when-false");
        };
    return toJson(spec);
  }

  /**
   * The spec as the workloads add it, with an hour to live and a CPU budget that cannot turn it off
   * within a fork; null for no probe.
   */
  static Map<String, Object> toJson(ProbeSpec.Builder spec) {
    return spec == null
        ? null
        : spec.timeToLive(Duration.ofHours(1)).cpuPercent(100).build().toJson();
  }
}

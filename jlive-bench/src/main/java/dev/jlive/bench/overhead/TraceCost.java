package dev.jlive.bench.overhead;

import dev.jlive.protocol.probe.ProbeSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code --trace} and {@code --profile-lines} cost per call of the method they time (issue 16;
 * goal ≤ 1 µs per traced call), on the two-thread workload's rounds split over two calls ({@link
 * Quote#inTwoParts}): the method alone with the agent loaded, traced with every call timed, traced
 * with 1 call in 8 timed, and line-profiled. {@link #inTwoHalves} splits each part again ({@link
 * Quote#inTwoHalves}) for a trace one and two levels deep (scenarios {@code halves} and {@code
 * halves-depth-2}). The agent is attached as in {@link TwoThreads}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Djdk.attach.allowAttachSelf=true", ProbeOverhead.RUNTIME_DIR})
public class TraceCost {
  static final String SELECTOR = "dev.jlive.bench.overhead.Quote#inTwoParts";
  static final String HALVES = "dev.jlive.bench.overhead.Quote#inTwoHalves";

  /** The agent and the probe of the scenario, attached and added once per fork. */
  @State(Scope.Benchmark)
  public static class Probe extends ProbeState {
    @Param({"current"})
    public String agent;

    @Param({"none", "trace", "trace-sampled", "trace-unsampled", "lines"})
    public String scenario;

    @Setup(Level.Trial)
    public void add() throws Exception {
      TwoThreads.attach(agent);
      Quote.inTwoParts(1, 1);
      Quote.inTwoHalves(1, 1);
      control = new ProbeControl(scenario);
      control.add(spec(scenario));
    }
  }

  @Benchmark
  public int inTwoParts(Probe probe, TwoThreads.Order order) {
    int sku = order.sku++;
    return Quote.inTwoParts(sku, sku & 7);
  }

  @Benchmark
  public int inTwoHalves(Probe probe, TwoThreads.Order order) {
    int sku = order.sku++;
    return Quote.inTwoHalves(sku, sku & 7);
  }

  static Map<String, Object> spec(String scenario) {
    ProbeSpec.Builder spec =
        switch (scenario) {
          case "none" -> null;
          case "trace" -> ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.TRACE);
          case "trace-sampled" -> ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.TRACE).sampleOneIn(8);
          // What a call that sampling leaves out costs: the part marks that find nothing to time.
          case "trace-unsampled" ->
              ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.TRACE).sampleOneIn(1_000_000_000);
          case "lines" -> ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.LINES);
          case "halves" -> ProbeSpec.builder(HALVES, ProbeSpec.Kind.TRACE);
          case "halves-depth-2" -> ProbeSpec.builder(HALVES, ProbeSpec.Kind.TRACE).traceDepth(2);
          default ->
              throw new IllegalArgumentException(
                  "unknown scenario '"
                      + scenario
                      + "'; use none, trace, trace-sampled, trace-unsampled, lines, halves or"
                      + " halves-depth-2");
        };
    return spec == null
        ? null
        : spec.timeToLive(Duration.ofHours(1)).cpuPercent(100).build().toJson();
  }
}

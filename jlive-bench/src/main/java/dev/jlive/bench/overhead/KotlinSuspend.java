package dev.jlive.bench.overhead;

import dev.jlive.protocol.probe.ProbeSpec;
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
 * A probe on a Kotlin suspend function ({@link SuspendQuotes#quote}, compiled by kotlinc into a
 * state machine with a continuation argument), two threads each running {@value #CALLS} calls in
 * one coroutine per operation. A suspend function gets the full advice for every probe kind, since
 * its continuation argument and returned value tell a resume from a call (docs/ARCHITECTURE.md,
 * "Kotlin suspend functions"), so this is where that path's cost shows. The cost per call is (score
 * - score of {@code none}) / calls per operation, counted once per fork.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Djdk.attach.allowAttachSelf=true", ProbeOverhead.RUNTIME_DIR})
public class KotlinSuspend {
  static final String SELECTOR = "dev.jlive.bench.overhead.SuspendQuotes#quote";
  static final int CALLS = 1000;

  /** The agent and the probe of the scenario, attached and added once per fork. */
  @State(Scope.Benchmark)
  public static class Probe extends ProbeState {
    @Param({"current"})
    public String agent;

    @Param({
      "none",
      "count",
      "metrics",
      "metrics-every-call",
      "exit-log-sampled",
      "entry-log-sampled",
      "exception"
    })
    public String scenario;

    @Setup(Level.Trial)
    public void add() throws Exception {
      SuspendQuotes.quoteMany(0, CALLS);
      TwoThreads.attach(agent);
      control = new ProbeControl(scenario);
      control.callsPerRun(SELECTOR, () -> SuspendQuotes.quoteMany(0, CALLS), 100);
      control.add(spec(scenario));
    }
  }

  /** Each thread's first sku, moved on by each operation so the JIT cannot fold the calls. */
  @State(Scope.Thread)
  public static class Order {
    int sku;
  }

  @Benchmark
  public int quotes(Probe probe, Order order) {
    int from = order.sku;
    order.sku += CALLS;
    return SuspendQuotes.quoteMany(from, CALLS);
  }

  static Map<String, Object> spec(String scenario) {
    ProbeSpec.Builder spec =
        switch (scenario) {
          case "none" -> null;
          case "count", "metrics", "metrics-every-call" ->
              ProbeScenarios.shared(SELECTOR, scenario);
          // quote never throws: every call is one an exception log drops.
          case "exit-log-sampled", "entry-log-sampled", "exception" ->
              ProbeScenarios.sampledLogs(SELECTOR, scenario);
          default ->
              throw new IllegalArgumentException(
                  "unknown scenario '"
                      + scenario
                      + "'; use none, count, metrics, metrics-every-call, exit-log-sampled,"
                      + " entry-log-sampled or exception");
        };
    return ProbeScenarios.toJson(spec);
  }
}

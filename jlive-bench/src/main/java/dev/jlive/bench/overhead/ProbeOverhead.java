package dev.jlive.bench.overhead;

import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call cost of each probe kind, {@link Target} (probed) beside {@link Baseline} (never probed)
 * in forks that load the agent with {@code -javaagent}; {@link ProbeControl} adds the scenario's
 * probe in the fork and reports after every iteration whether it is still on. {@link NoAgent} runs
 * the same two methods in a fork without the agent.
 *
 * <p>The agent path in {@link Fork} is relative to the working directory: run from the project
 * root, or pass {@code -jvmArgsAppend "-javaagent:/abs/jlive-agent.jar
 * -Djlive.runtimeDir=/abs/dir"}.
 *
 * <p>The rate-limited log scenario runs its probe at {@code ratePerSecond} = {@value #LOG_RATE}
 * (the most the agent accepts) and without the application-logger copy of each event, unless {@code
 * -Djlive.bench.logRate=N} or {@code -Djlive.bench.appLog=true} say otherwise (forks inherit the
 * launching JVM's options). A log probe that drops more than ten times its rate within a second
 * turns itself off, so at full call speed a lower rate measures a probe that is gone after a few
 * microseconds; see docs/BENCHMARKS.md. The {@code log-when-false} scenario has a condition that is
 * never true. {@code metrics} is a metrics probe as added by default (every call counted, a random
 * 1 in 8 timed); {@code metrics-every-call} times every call ({@code timeOneIn} 1).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {ProbeOverhead.AGENT, ProbeOverhead.RUNTIME_DIR})
public class ProbeOverhead {
  static final String AGENT = "-javaagent:jlive-agent/target/jlive-agent.jar=quiet";
  static final String RUNTIME_DIR =
      "-D" + RuntimeDirectory.PROPERTY + "=jlive-bench/target/jlive-runtime";
  static final String SELECTOR = "dev.jlive.bench.overhead.Target#work";
  static final int LOG_RATE = 1_000_000;

  /** Budgets out of the way: the benchmark asks what a probe costs, not when it gives up. */
  private static final long TTL_MILLIS = TimeUnit.HOURS.toMillis(1);

  private static final double CPU_PERCENT = 100;

  /** The probe of the scenario, added once per fork and removed at its end. */
  @State(Scope.Benchmark)
  public static class Probe extends ProbeState {
    @Param({"none", "count", "metrics", "metrics-every-call", "log-when-false", "log-rate-limited"})
    public String scenario;

    @Setup(Level.Trial)
    public void add() throws IOException, InterruptedException {
      control = new ProbeControl(scenario);
      control.add(spec(scenario));
    }
  }

  @Benchmark
  public int target(Probe probe, Input input) {
    return input.target.work(input.x++);
  }

  @Benchmark
  public int baseline(Probe probe, Input input) {
    return input.baseline.work(input.x++);
  }

  static Map<String, Object> spec(String scenario) {
    ProbeSpec.Builder spec =
        switch (scenario) {
          case "none" -> null;
          case "count" -> ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.COUNT);
          case "metrics" -> ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.METRICS);
          // A metrics probe times a random 1 in 8 calls by default; this one times every call (two
          // clock reads each).
          case "metrics-every-call" ->
              ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.METRICS).timeOneIn(1);
          // An event the application's logger prints (JUL's console handler by default) costs tens
          // of
          // microseconds; at any rate that keeps the probe on, that would be all this measures.
          case "log-rate-limited" ->
              ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.LOG)
                  .at(ProbeSpec.Point.ENTRY)
                  .template("x={x}")
                  .ratePerSecond(Integer.getInteger("jlive.bench.logRate", LOG_RATE))
                  .appLog(Boolean.getBoolean("jlive.bench.appLog"));
          // x counts up from 0 and wraps only after 2^32 calls, more than a fork makes.
          case "log-when-false" ->
              ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.LOG)
                  .at(ProbeSpec.Point.ENTRY)
                  .template("x={x}")
                  .when("x == -1");
          default ->
              throw new IllegalArgumentException(
                  "unknown scenario '"
                      + scenario
                      + "'; use none, count, metrics, metrics-every-call, log-when-false or log-rate-limited");
        };
    return spec == null
        ? null
        : spec.timeToLive(Duration.ofMillis(TTL_MILLIS)).cpuPercent(CPU_PERCENT).build().toJson();
  }
}

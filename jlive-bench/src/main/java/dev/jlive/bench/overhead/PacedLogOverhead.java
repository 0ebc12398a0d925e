package dev.jlive.bench.overhead;

import dev.jlive.protocol.JsonObject;
import java.io.IOException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A rate-limited log probe that stays on. At full call speed a log probe drops more than ten times
 * its rate within a second and turns itself off, even at the highest rate the agent accepts ({@link
 * ProbeOverhead}'s {@code log-rate-limited} shows it). Here every operation first burns a fixed
 * amount of CPU ({@link Blackhole#consumeCPU}), the same for {@link Target} and {@link Baseline},
 * so that the call rate stays under eleven times the probe's rate; the difference between the two
 * is the probe's cost per call.
 *
 * <ul>
 *   <li>{@code log-rate-limited}: a short pause, about six million calls a second against a rate of
 *       1,000,000 events/s: most events are dropped, about one call in six emits.
 *   <li>{@code log-every-call}: a long pause, fewer calls a second than the rate: every call emits,
 *       which prices one emitted event.
 * </ul>
 *
 * With both, the cost of a dropped call is {@code (mixed - emitted share * every-call cost) /
 * dropped share}, using the shares each iteration's line reports.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {ProbeOverhead.AGENT, ProbeOverhead.RUNTIME_DIR})
public class PacedLogOverhead {
  static final int RATE = 1_000_000;
  static final int SHORT_PAUSE_TOKENS = 64;
  static final int LONG_PAUSE_TOKENS = 1024;

  @State(Scope.Benchmark)
  public static class Probe extends ProbeState {
    @Param({"log-rate-limited", "log-every-call"})
    public String scenario;

    int pause;

    @Setup(Level.Trial)
    public void add() throws IOException, InterruptedException {
      pause =
          switch (scenario) {
            case "log-rate-limited" -> SHORT_PAUSE_TOKENS;
            case "log-every-call" -> LONG_PAUSE_TOKENS;
            default ->
                throw new IllegalArgumentException(
                    "unknown scenario '" + scenario + "'; use log-rate-limited or log-every-call");
          };
      // The scenario's spec with this benchmark's rate: the spec itself is unmodifiable.
      Map<String, Object> spec =
          JsonObject.create()
              .putAll(ProbeOverhead.spec("log-rate-limited"))
              .put("ratePerSecond", RATE)
              .toMap();
      control = new ProbeControl(scenario + ", pause " + pause + " tokens");
      control.add(spec);
    }
  }

  @Benchmark
  public int target(Probe probe, Input input) {
    Blackhole.consumeCPU(probe.pause);
    return input.target.work(input.x++);
  }

  @Benchmark
  public int baseline(Probe probe, Input input) {
    Blackhole.consumeCPU(probe.pause);
    return input.baseline.work(input.x++);
  }
}

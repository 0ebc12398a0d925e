package dev.jlive.bench.overhead;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The methods of {@link ProbeOverhead} in a fork without the agent: the control for "the agent is
 * loaded and nothing is probed costs nothing". Same settings as {@link ProbeOverhead}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NoAgent {

  @Benchmark
  public int target(Input input) {
    return input.target.work(input.x++);
  }

  @Benchmark
  public int baseline(Input input) {
    return input.baseline.work(input.x++);
  }
}

package dev.jlive.bench.overhead;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The controls of {@link TwoThreads}, same settings, no agent: the workload itself, and two {@link
 * System#nanoTime} reads, which is what timing a call costs at the least.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
@Fork(1)
public class TwoThreadsBaseline {
  @Benchmark
  public int noAgent(TwoThreads.Order order) {
    int sku = order.sku++;
    return Quote.quote(sku, sku & 7);
  }

  @Benchmark
  public long twoClockReads() {
    long start = System.nanoTime();
    return System.nanoTime() - start;
  }
}

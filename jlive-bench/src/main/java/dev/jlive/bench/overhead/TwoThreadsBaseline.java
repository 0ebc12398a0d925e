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

  /**
   * The workload timed by hand: two clock reads around each call and the time added to a sum of the
   * thread's own. This is the floor for timing every call of this method. It is above {@link
   * #twoClockReads}: the clock read waits for the work before it to finish (the kernel's clock read
   * orders its time-stamp read after earlier instructions), so calls no longer overlap.
   */
  @Benchmark
  public int timedByHand(TwoThreads.Order order) {
    long start = System.nanoTime();
    int sku = order.sku++;
    int price = Quote.quote(sku, sku & 7);
    order.timedNanos += System.nanoTime() - start;
    return price;
  }

  @Benchmark
  public long twoClockReads() {
    long start = System.nanoTime();
    return System.nanoTime() - start;
  }
}

package dev.jlive.bench.overhead;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the CPU time of the benchmark's worker threads per operation ({@code
 * -prof dev.jlive.bench.overhead.CpuPerCall}). On a shared machine whose load is far above its
 * cores, the wall time per call counts the time the workers waited for a core; their CPU time does
 * not, so it keeps showing what a call costs.
 */
public final class CpuPerCall implements InternalProfiler {
  private static final String WORKER = "jmh-worker";
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> before = new HashMap<>();

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    before = workerCpu();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    long used = 0;
    for (Map.Entry<Long, Long> worker : workerCpu().entrySet()) {
      used += worker.getValue() - before.getOrDefault(worker.getKey(), 0L);
    }
    // The workers call the benchmark from the start of the iteration to its end, the calls before
    // and after the measured window (JMH synchronises iterations) included: all of them used CPU.
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : (double) used / ops;
    return List.of(new ScalarResult("cpu.ns/op", perOp, "ns/op", AggregationPolicy.AVG));
  }

  private Map<Long, Long> workerCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().contains(WORKER)) {
        long nanos = threads.getThreadCpuTime(thread.getId());
        if (nanos >= 0) {
          cpu.put(thread.getId(), nanos);
        }
      }
    }
    return cpu;
  }
}

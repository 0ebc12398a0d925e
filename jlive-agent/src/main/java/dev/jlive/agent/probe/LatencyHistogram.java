package dev.jlive.agent.probe;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free, allocation-free latency histogram over {@link LatencyBuckets} (log-linear, each
 * power of two split into 8, so a value is kept within 12.5%); percentiles come from the bucket
 * counts, and the buckets themselves are reported so that a controller can add the histograms of
 * many processes.
 *
 * <p>Like the call counters ({@link ThreadCells}), each thread records into a shard of its own,
 * kept in its cell: plain stores made visible with opaque mode, no locked instruction, no shared
 * cache line per timed call. Readers add the shards up. A shared atomic histogram took about 160 ns
 * per timed call with two threads on two cores (issue 16), most of it cache-line ping-pong on the
 * buckets, the sum and the maximum; a thread without a cell of its own (the shared cell) still
 * records there, exact and slower.
 *
 * <p>A timing may stand for several calls: a metrics probe times a random sample of calls, and a
 * timing taken with probability 1/N is recorded with weight N, so the buckets, {@code count} and
 * {@code sumNanos} estimate all calls without bias. {@code timedCalls} says how many timings the
 * estimate rests on; with every call timed, the weights are 1 and everything is exact. The weights'
 * sum, {@link #count}, is the sum of the buckets: a timed call stores nothing for it.
 */
final class LatencyHistogram {
  private static final VarHandle SHARD = field("shard", Shard.class);

  private final ThreadCells cells;
  private final AtomicLongArray counts = new AtomicLongArray(LatencyBuckets.COUNT);
  private final LongAdder sumNanos = new LongAdder();
  private final LongAdder timed = new LongAdder();
  private final AtomicLong max = new AtomicLong();

  /** A histogram whose per-thread shards live in the cells of {@code cells}. */
  LatencyHistogram(ThreadCells cells) {
    this.cells = cells;
  }

  LatencyHistogram() {
    this(new ThreadCells());
  }

  void record(long nanos) {
    record(nanos, 1);
  }

  /** Records one timing that stands for {@code calls} calls, in the calling thread's shard. */
  void record(long nanos, int calls) {
    record(cells.mine(), nanos, calls);
  }

  /**
   * Records into {@code cell}'s shard, {@code cell} being the calling thread's ({@link
   * ThreadCells#mine}); the shared cell records into the atomic part.
   */
  void record(ThreadCells.Cell cell, long nanos, int calls) {
    if (cell.shared) {
      recordShared(Math.max(0, nanos), calls);
      return;
    }
    recordOwn(cell, nanos, calls);
  }

  /**
   * Records into the shard of {@code cell}, which is the calling thread's own cell in the table
   * ({@link ThreadCells#own}), never the shared one: a timed call's exit, with no test of that.
   */
  void recordOwn(ThreadCells.Cell cell, long nanos, int calls) {
    Shard shard = cell.shard;
    if (shard == null) {
      shard = new Shard();
      // Release: a reader that sees the shard sees its arrays.
      SHARD.setRelease(cell, shard);
    }
    shard.record(Math.max(0, nanos), calls);
  }

  private void recordShared(long value, int calls) {
    counts.addAndGet(LatencyBuckets.index(value), calls);
    sumNanos.add(value * calls);
    timed.increment();
    long seen = max.get();
    while (value > seen && !max.compareAndSet(seen, value)) {
      seen = max.get();
    }
  }

  /** The calls the histogram stands for: the sum of the weights, which is that of the buckets. */
  long count() {
    return count(buckets());
  }

  private static long count(Map<Integer, Long> buckets) {
    long sum = 0;
    for (long calls : buckets.values()) {
      sum += calls;
    }
    return sum;
  }

  /** How many timings were recorded. */
  long timedCalls() {
    long sum = timed.sum();
    for (Shard shard : shards()) {
      sum += (long) Shard.TIMED.getOpaque(shard);
    }
    return sum;
  }

  long sumNanos() {
    long sum = sumNanos.sum();
    for (Shard shard : shards()) {
      sum += (long) Shard.SUM.getOpaque(shard);
    }
    return sum;
  }

  long maxNanos() {
    long most = max.get();
    for (Shard shard : shards()) {
      most = Math.max(most, (long) Shard.MAX.getOpaque(shard));
    }
    return most;
  }

  private Shard[] shards() {
    return cells.collect(cell -> (Shard) SHARD.getAcquire(cell), Shard[]::new);
  }

  private Map<Integer, Long> buckets() {
    long[] merged = new long[LatencyBuckets.COUNT];
    for (int i = 0; i < merged.length; i++) {
      merged[i] = counts.get(i);
    }
    for (Shard shard : shards()) {
      for (int i = 0; i < merged.length; i++) {
        merged[i] += (long) Shard.COUNTS.getOpaque(shard.counts, i);
      }
    }
    Map<Integer, Long> buckets = new HashMap<>();
    for (int i = 0; i < merged.length; i++) {
      if (merged[i] > 0) {
        buckets.put(i, merged[i]);
      }
    }
    return buckets;
  }

  /**
   * The value below which {@code quantile} of the recorded calls lie, in nanoseconds, never above
   * the maximum.
   */
  long percentile(double quantile) {
    return Math.min(LatencyBuckets.percentile(buckets(), quantile), maxNanos());
  }

  /** What the histogram holds now, buckets included, as metrics carry it. */
  LatencySnapshot snapshot() {
    Map<Integer, Long> buckets = buckets();
    return LatencySnapshot.of(buckets, count(buckets), timedCalls(), sumNanos(), maxNanos());
  }

  /** Nanoseconds as milliseconds to the microsecond, as every latency field shows them. */
  static double millis(long nanos) {
    return LatencySnapshot.millis(nanos);
  }

  /**
   * One thread's timings: written by its owner only, with opaque stores (atomic and visible, no
   * fence), read by anyone with opaque loads. A cell taken over from a dead thread keeps its shard,
   * as it keeps its counts.
   */
  static final class Shard {
    static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    static final VarHandle SUM = shardField("sum");
    static final VarHandle TIMED = shardField("timed");
    static final VarHandle MAX = shardField("max");

    final long[] counts = new long[LatencyBuckets.COUNT];
    long sum;
    long timed;
    long max;

    void record(long value, int calls) {
      int index = LatencyBuckets.index(value);
      COUNTS.setOpaque(counts, index, counts[index] + calls);
      SUM.setOpaque(this, sum + value * calls);
      TIMED.setOpaque(this, timed + 1);
      if (value > max) {
        MAX.setOpaque(this, value);
      }
    }

    private static VarHandle shardField(String name) {
      try {
        return MethodHandles.lookup().findVarHandle(Shard.class, name, long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  private static VarHandle field(String name, Class<?> type) {
    try {
      return MethodHandles.lookup().findVarHandle(ThreadCells.CellFields.class, name, type);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}

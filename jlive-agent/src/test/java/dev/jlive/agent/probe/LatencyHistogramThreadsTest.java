package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.LatencyBuckets;
import dev.jlive.protocol.metrics.LatencySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-thread shards of a latency histogram, merged when read. */
class LatencyHistogramThreadsTest {
  private static final int THREADS = 4;
  private static final int CALLS = 50_000;

  /**
   * Thread t records CALLS timings of (t + 1) µs: the merged histogram must hold every one, in the
   * right bucket, with the right sum, maximum and percentiles.
   */
  @Test
  void shardsOfManyThreadsMergeIntoExactCountsAndPercentiles() throws Exception {
    ThreadCells cells = new ThreadCells();
    LatencyHistogram histogram = new LatencyHistogram(cells);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long micros = t + 1;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                ThreadCells.Cell mine = cells.mine();
                for (int i = 0; i < CALLS; i++) {
                  histogram.record(mine, micros * 1_000, 1);
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    long total = (long) THREADS * CALLS;
    assertThat(histogram.count()).isEqualTo(total);
    assertThat(histogram.timedCalls()).isEqualTo(total);
    assertThat(histogram.sumNanos()).isEqualTo(CALLS * 1_000L * (1 + 2 + 3 + 4));
    assertThat(histogram.maxNanos()).isEqualTo(4_000L);
    // A quarter of the timings each at 1, 2, 3 and 4 µs: the median is the 2 µs bucket.
    assertThat(histogram.percentile(0.5))
        .isEqualTo(LatencyBuckets.upperBound(LatencyBuckets.index(2_000)));
    assertThat(histogram.percentile(0.99)).isEqualTo(4_000L);
    LatencySnapshot snapshot = histogram.snapshot();
    assertThat(snapshot.buckets())
        .containsEntry(LatencyBuckets.index(1_000), (long) CALLS)
        .containsEntry(LatencyBuckets.index(4_000), (long) CALLS);
  }

  @Test
  void aThreadWithoutACellOfItsOwnRecordsIntoTheSharedPartAndIsMergedToo() {
    ThreadCells cells = new ThreadCells();
    LatencyHistogram histogram = new LatencyHistogram(cells);
    ThreadCells.Cell shared = new ThreadCells.Cell(null, true);
    histogram.record(shared, 3_000, 8);
    histogram.record(cells.mine(), 1_000, 1);
    assertThat(histogram.count()).isEqualTo(9L);
    assertThat(histogram.timedCalls()).isEqualTo(2L);
    assertThat(histogram.sumNanos()).isEqualTo(25_000L);
    assertThat(histogram.maxNanos()).isEqualTo(3_000L);
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCellsTest {

  private static List<Thread> start(int threads, Runnable body) {
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(body);
      thread.start();
      started.add(thread);
    }
    return started;
  }

  private static void join(List<Thread> threads) throws InterruptedException {
    for (Thread thread : threads) {
      thread.join();
    }
  }

  @Test
  void countsOfConcurrentThreadsAreExact() throws InterruptedException {
    ThreadCells cells = new ThreadCells();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads =
        start(
            8,
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                return;
              }
              for (int i = 0; i < 100_000; i++) {
                ThreadCells.Cell cell = cells.mine();
                cell.hit();
                if (i % 10 == 0) {
                  cell.drop();
                }
              }
            });
    go.countDown();
    join(threads);
    assertThat(cells.hits()).isEqualTo(800_000L);
    assertThat(cells.drops()).isEqualTo(80_000L);
  }

  @Test
  void moreLiveThreadsThanCellsShareTheAtomicCellAndStayExact() throws InterruptedException {
    ThreadCells cells = new ThreadCells();
    int threads = ThreadCells.SIZE + 100;
    CountDownLatch allStarted = new CountDownLatch(threads);
    CountDownLatch finish = new CountDownLatch(1);
    List<Thread> started =
        start(
            threads,
            () -> {
              for (int i = 0; i < 1_000; i++) {
                cells.mine().hit();
              }
              // Stay alive until every thread has counted, so that cells cannot be taken over.
              allStarted.countDown();
              try {
                finish.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    allStarted.await();
    assertThat(cells.hits()).isEqualTo(threads * 1_000L);
    finish.countDown();
    join(started);
  }

  @Test
  void aDeadThreadsCountIsKeptWhenANewThreadTakesItsCellOver() throws InterruptedException {
    ThreadCells cells = new ThreadCells();
    // One after another, far more threads than cells: the later ones meet dead owners.
    for (int round = 0; round < 4 * ThreadCells.SIZE; round++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 300; i++) {
                  cells.mine().hit();
                }
              });
      thread.start();
      thread.join();
    }
    assertThat(cells.hits()).isEqualTo(4L * ThreadCells.SIZE * 300);
  }

  @Test
  void aThreadKeepsItsOwnCell() {
    ThreadCells cells = new ThreadCells();
    ThreadCells.Cell first = cells.mine();
    assertThat(cells.mine()).isSameAs(first);
    assertThat(first.shared).isFalse();
  }

  @Test
  void samplesAboutOneInN() {
    ThreadCells.Cell cell = new ThreadCells().mine();
    long threshold = ThreadCells.threshold(8);
    int sampled = 0;
    for (int i = 0; i < 1_000_000; i++) {
      if (cell.sample(threshold)) {
        sampled++;
      }
    }
    // 125,000 expected; the standard deviation is about 330.
    assertThat(sampled).isBetween(120_000, 130_000);
    assertThat(ThreadCells.threshold(1)).isEqualTo(-1L);
    assertThat(cell.sample(ThreadCells.threshold(1))).isTrue();
  }
}

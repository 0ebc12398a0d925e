package dev.jlive.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GrepFilterTest {
  /**
   * Twelve ways to split the line, each tried in every combination: about n^12 steps before
   * failing. (Java 9+ remembers failed positions of {@code (a|a)*} and {@code (a+)+}, but not of a
   * counted group.)
   */
  private static final String EXPONENTIAL = "(?:.*\\w){12}!";

  private static final String LINE =
      "java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:642)";

  @Test
  void aBacktrackingExpressionIsStoppedByItsStepBudget() {
    GrepFilter filter = GrepFilter.compile(EXPONENTIAL, 1_000_000, 60_000);
    long start = System.nanoTime();

    JLiveException e = catchThrowableOfType(JLiveException.class, () -> filter.find(LINE));

    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage())
        .contains("read more than 1000000 characters")
        .contains("backtracks too much");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aBacktrackingExpressionIsStoppedByItsTimeBudget() {
    GrepFilter filter = GrepFilter.compile(EXPONENTIAL, Long.MAX_VALUE, 300);
    long start = System.nanoTime();

    JLiveException e = catchThrowableOfType(JLiveException.class, () -> filter.find(LINE));

    assertThat(e.getMessage()).contains("ran out of its time budget");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anInterruptedWorkerStopsMatching() {
    GrepFilter filter = GrepFilter.compile(EXPONENTIAL, Long.MAX_VALUE, 600_000);
    Thread.currentThread().interrupt();
    try {
      assertThat(catchThrowableOfType(JLiveException.class, () -> filter.find(LINE)).getMessage())
          .contains("was cancelled");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void theDumpAnswersABacktrackingGrepWithinTheDefaultBudget() {
    // Without the budget this runs for hours on any stack frame; the time-out turns that into a
    // failure.
    JLiveException e =
        assertTimeoutPreemptively(
            Duration.ofMillis(GrepFilter.DEFAULT_MILLIS + 5_000),
            () ->
                catchThrowableOfType(
                    JLiveException.class, () -> ThreadDump.capture(EXPONENTIAL, null)));

    assertThat(e.getMessage()).contains("backtracks too much");
  }

  @Test
  void anOrdinaryExpressionFilters() {
    GrepFilter filter = GrepFilter.compile("ThreadPool\\w+");

    assertThat(filter.find(LINE)).isTrue();
    assertThat(filter.find("main")).isFalse();
    assertThat(GrepFilter.compile(null)).isNull();
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> GrepFilter.compile("(")).getMessage())
        .startsWith("--grep is not a valid regular expression");
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> GrepFilter.compile("a".repeat(1001)))
                .getMessage())
        .contains("at most 1000");
  }
}

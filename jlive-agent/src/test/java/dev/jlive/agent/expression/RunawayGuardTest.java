package dev.jlive.agent.expression;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunawayGuardTest {
  private static final long SLOW = RunawayGuard.SLOW_NANOS + 1;

  @Test
  void fastCallsNeverStopAnExpression() {
    RunawayGuard guard = new RunawayGuard("the condition 'x'");
    for (int i = 0; i < 10_000; i++) {
      guard.record(RunawayGuard.SLOW_NANOS, -1);
    }
    assertThatCode(guard::checkRunnable).doesNotThrowAnyException();
  }

  @Test
  void slowWallTimeWithoutCpuIsAPauseNotARunaway() {
    RunawayGuard guard = new RunawayGuard("the condition 'x'");
    for (int i = 0; i < 100; i++) {
      guard.record(SLOW, -1);
      guard.record(SLOW, 1_000_000L);
    }
    assertThatCode(guard::checkRunnable)
        .as("descheduled or paused by the GC, not busy")
        .doesNotThrowAnyException();
  }

  @Test
  void repeatedCallsOverTheirCpuShareStopItAndEveryLaterCallFailsAtOnce() {
    RunawayGuard guard = new RunawayGuard("the condition 'x'");
    guard.record(SLOW, -1);
    guard.record(SLOW, SLOW);
    guard.record(SLOW, SLOW);
    assertThatCode(guard::checkRunnable).doesNotThrowAnyException();
    guard.record(25_000_000L, 25_000_000L);
    assertThatThrownBy(guard::checkRunnable)
        .isInstanceOf(RunawayGuard.Stopped.class)
        .hasMessage(
            "the condition 'x' ran too long on an application thread 3 times (over 20 ms of CPU, or 1 s in all;"
                + " the last took 25 ms); jlive no longer runs it");
    assertThatThrownBy(guard::checkRunnable).isInstanceOf(RunawayGuard.Stopped.class);
  }

  @Test
  void callsThatBlockOverASecondCountWhateverTheirCpu() {
    RunawayGuard guard = new RunawayGuard("the template expression 'y'");
    for (int i = 0; i < RunawayGuard.SLOW_CALLS; i++) {
      guard.record(RunawayGuard.RUNAWAY_NANOS + 1, -1);
    }
    assertThatThrownBy(guard::checkRunnable).hasMessageContaining("jlive no longer runs it");
  }
}

package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.change.ProcessResult;
import dev.jlive.protocol.change.ProcessState;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutTest {
  private static ProcessResult state(String state) {
    return new ProcessResult(
        "p", null, 0, ProcessState.valueOf(state.toUpperCase(Locale.ROOT)), null, null);
  }

  @Test
  void everyProcessAppliedIsCompleteAndOk() {
    Rollout.Outcome outcome =
        Rollout.judge(
            List.of(state("applied"), state("applied")), Rollout.Goal.APPLY, Duration.ofSeconds(1));

    assertThat(outcome).isEqualTo(new Rollout.Outcome(true, true, "applied on 2 of 2 processes"));
  }

  @Test
  void failedUnreachableAndRevertedAreFinalButNotOk() {
    Rollout.Outcome outcome =
        Rollout.judge(
            List.of(state("applied"), state("failed"), state("unreachable"), state("reverted")),
            Rollout.Goal.APPLY,
            Duration.ofSeconds(1));

    assertThat(outcome)
        .isEqualTo(
            new Rollout.Outcome(
                true, false, "applied on 1 of 4 processes; 1 failed; 1 unreachable; 1 reverted"));
  }

  @Test
  void pendingAndWaitingAreNotFinal() {
    assertThat(
            Rollout.judge(
                    List.of(state("applied"), state("waiting")),
                    Rollout.Goal.APPLY,
                    Duration.ofSeconds(30))
                .complete())
        .isFalse();
    assertThat(
            Rollout.judge(List.of(state("pending")), Rollout.Goal.APPLY, Duration.ofSeconds(30))
                .summary())
        .isEqualTo("applied on 0 of 1 process; 1 not reported yet (stopped waiting after 30s)");
  }

  @Test
  void forARevertAProcessStillAppliedHasNotReportedYet() {
    Rollout.Outcome outcome =
        Rollout.judge(
            List.of(state("reverted"), state("applied")),
            Rollout.Goal.REVERT,
            Duration.ofSeconds(2));

    assertThat(outcome.complete()).isFalse();
    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.summary())
        .isEqualTo("reverted on 1 of 2 processes; 1 still applied (stopped waiting after 2s)");
    assertThat(
            Rollout.judge(
                List.of(state("reverted"), state("failed")), Rollout.Goal.REVERT, Duration.ZERO))
        .isEqualTo(new Rollout.Outcome(true, false, "reverted on 1 of 2 processes; 1 failed"));
  }

  @Test
  void noProcessAtAllIsNotASuccessForANewChangeButIsForARevert() {
    assertThat(Rollout.judge(List.of(), Rollout.Goal.APPLY, Duration.ZERO).ok()).isFalse();
    assertThat(Rollout.judge(List.of(), Rollout.Goal.REVERT, Duration.ZERO).ok()).isTrue();
  }

  @Test
  void describesProbesAndPatchesInAFewWords() {
    assertThat(
            Rollout.describe(
                Map.of(
                    "kind",
                    "probe",
                    "spec",
                    Map.of("kind", "log", "selector", "a.B#c", "template", "x={x}"),
                    "where",
                    Map.of())))
        .isEqualTo("log probe on a.B#c 'x={x}'");
    assertThat(
            Rollout.describe(
                Map.of("kind", "patch", "spec", Map.of("classFiles", List.of("AAA", "BBB")))))
        .isEqualTo("patch of 2 class files");
    assertThat(Rollout.describe(Map.of("kind", "patch", "description", "given by the controller")))
        .isEqualTo("given by the controller");
  }
}

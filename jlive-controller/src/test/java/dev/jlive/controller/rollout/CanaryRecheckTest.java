package dev.jlive.controller.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.controller.rollout.RolloutDriver.Canary;
import dev.jlive.controller.rollout.RolloutDriver.Recheck;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ProcessInfo;
import dev.jlive.protocol.fleet.ProcessReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The driver's recheck of a bake's canaries, decided on what the controller heard: the judging of a
 * window is only fair if every canary ran the change all through it. The case that matters most is
 * the one a judge alone cannot see: a canary reverted and re-applied within the window reports
 * "applied" again by the time the gate is judged, and only its new local id gives it away.
 */
class CanaryRecheckTest {
  private static final String CHANGE = "c3";
  private static final ProcessInfo CANARY = process("2024-01-01T00:00:00Z");
  private static final Map<String, Canary> AT_OPEN = Map.of("p1", new Canary(CANARY, "p4"));

  @Test
  void aCanaryThatStillRunsTheChangeAsWhenTheWindowOpenedPasses() {
    assertThat(recheck(CANARY, report(ProcessState.APPLIED, null, "p4"))).isNull();
  }

  @Test
  void aCanaryRevertedAndAppliedAgainRestartsTheBakeThoughItReportsApplied() {
    // What a judge sees at the end of the window: applied, as at its start.
    ChangeReport now = new ChangeReport(ProcessState.APPLIED, null, "p5");
    assertThat(now.state()).isEqualTo(ProcessState.APPLIED);
    Recheck recheck = recheck(CANARY, Map.of(CHANGE, now));
    assertThat(recheck).isNotNull();
    assertThat(recheck.fails()).isFalse();
    assertThat(recheck.why()).contains("pid 42").contains("applied it anew (as p5)");
  }

  @Test
  void aCanaryThatRevertedTheChangeFailsTheWave() {
    Recheck recheck = recheck(CANARY, report(ProcessState.FAILED, "reverted", "p4"));
    assertThat(recheck).isNotNull();
    assertThat(recheck.fails()).isTrue();
    assertThat(recheck.why())
        .contains("canary pid 42 on host-a (p1)")
        .contains("no longer reports it applied: it reports failed (reverted)");
  }

  @Test
  void aCanaryThatForgotTheChangeFailsTheWave() {
    Recheck recheck = recheck(CANARY, Map.of());
    assertThat(recheck.fails()).isTrue();
    assertThat(recheck.why()).contains("it reports nothing of it");
  }

  @Test
  void aCanaryThatRegisteredAgainRestartsTheBake() {
    Recheck recheck =
        recheck(process("2024-01-01T00:05:00Z"), report(ProcessState.APPLIED, null, "p4"));
    assertThat(recheck.fails()).isFalse();
    assertThat(recheck.why()).contains("re-registered");
  }

  @Test
  void aCanaryThatLeftIsNotRecheckedTheOthersAreJudged() {
    assertThat(RolloutDriver.recheck(CHANGE, AT_OPEN, Map.of(), Map.of())).isNull();
  }

  private static Recheck recheck(ProcessInfo now, Map<String, ChangeReport> changes) {
    return RolloutDriver.recheck(
        CHANGE,
        AT_OPEN,
        Map.of("p1", now),
        Map.of("p1", new ProcessReport(changes, Map.of(), "2024-01-01T00:06:00Z", Map.of())));
  }

  private static Map<String, ChangeReport> report(
      ProcessState state, String message, String localId) {
    return Map.of(CHANGE, new ChangeReport(state, message, localId));
  }

  private static ProcessInfo process(String registeredAt) {
    return new ProcessInfo(
        "p1", "shop", "host-a", 42, "17", "1.0", 1, Map.of(), registeredAt, Boolean.TRUE);
  }
}

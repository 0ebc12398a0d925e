package dev.jlive.protocol.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.change.ChangeKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutRecordsTest {
  @Test
  void wavesAreCountsThenSharesEndingAtAHundredPercent() {
    assertThat(RolloutPlan.parseWaves("1, 25%,100%")).containsExactly("1", "25%", "100%");
    RolloutPlan plan = new RolloutPlan(List.of("1", "25%", "100%"), null, 1000, List.of(), 10);
    // A share rounds up; a count never exceeds what there is.
    assertThat(plan.cumulative(1, 40)).isEqualTo(1);
    assertThat(plan.cumulative(2, 40)).isEqualTo(10);
    assertThat(plan.cumulative(2, 3)).isEqualTo(1);
    assertThat(plan.cumulative(3, 3)).isEqualTo(3);
    assertThat(plan.cumulative(1, 0)).isZero();
  }

  @Test
  void aBadPlanIsRefusedWithWhatIsWrongAndAnExample() {
    assertThatThrownBy(() -> RolloutPlan.parseWaves("1,x%"))
        .isInstanceOf(JLiveException.class)
        .hasMessageContaining("'x%' is not a wave");
    assertThatThrownBy(() -> plan("1", "50%"))
        .hasMessageContaining("the last wave is '50%', not 100%");
    assertThatThrownBy(() -> plan("50%", "25%", "100%")).hasMessageContaining("waves must grow");
    assertThatThrownBy(() -> plan("10%", "5", "100%"))
        .hasMessageContaining("a count ('5') cannot follow a share");
    assertThatThrownBy(() -> plan("0", "100%")).hasMessageContaining("a count is at least 1");
    assertThatThrownBy(() -> plan("101%")).hasMessageContaining("1% to 100%");
    assertThatThrownBy(() -> new RolloutPlan(List.of("100%"), "zone", 0, List.of(), 0))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> new RolloutPlan(List.of(), null, 0, List.of(), 0))
        .hasMessageContaining("has no waves");
    assertThatThrownBy(() -> RolloutPlan.fromJson(Map.of("waves", List.of("100%"), "bake", 1)))
        .hasMessageContaining("unknown field 'bake'");
  }

  @Test
  void aWaveTimeoutIsKeptWhenGivenAndRefusedOutOfRange() {
    RolloutPlan given = new RolloutPlan(List.of("1", "100%"), null, 1000, List.of(), 10, 90_000);
    assertThat(RolloutPlan.fromWire(Json.parseObject(Json.write(given.toJson())))).isEqualTo(given);
    // Not given: 0, the controller's default, and not written.
    RolloutPlan byDefault = plan("1", "100%");
    assertThat(byDefault.waveTimeoutMillis()).isZero();
    assertThat(byDefault.toJson()).doesNotContainKey("waveTimeoutMillis");
    assertThatThrownBy(() -> new RolloutPlan(List.of("100%"), null, 0, List.of(), 0, -1))
        .hasMessageContaining("the wave timeout must be from 0 (the default) to 24 hours")
        .isInstanceOf(JLiveException.class);
    assertThatThrownBy(
            () ->
                RolloutPlan.fromJson(
                    Map.of("waves", List.of("100%"), "waveTimeoutMillis", 25L * 3600 * 1000)))
        .isInstanceOf(JLiveException.class)
        .hasMessageContaining("waveTimeoutMillis");
  }

  @Test
  void aPlanAskingMoreProcessesThanMatchCannotBeMet() {
    RolloutPlan plan = plan("1", "100", "100%");
    plan.checkMet(100, "web");
    assertThatThrownBy(() -> plan.checkMet(3, "web"))
        .hasMessageContaining("cannot be met: wave '100' asks for 100 processes and web has 3");
  }

  @Test
  void theStateRoundTripsThroughItsWireForm() {
    RolloutState state =
        RolloutState.planned("web", "c3", ChangeKind.PATCH, plan("1", "100%"), "t0")
            .drivenBy("controller-a")
            .with(RolloutState.Status.RUNNING, RolloutState.Step.PASSED)
            .withWave(new RolloutWave(1, null, List.of("p1"), "t1"))
            .decided(new RolloutDecision("t1", 1, "reached", "controller-a", "1 process", null))
            .baking("t2")
            .withVerdict(Map.of("outcome", "pass"));
    RolloutState read = RolloutState.fromWire(Json.parseObject(Json.write(state.toJson())));
    assertThat(read).isEqualTo(state);
    assertThat(read.reached()).containsExactly("p1");
    RolloutStatus status = new RolloutStatus(read, List.of(Map.of("applied", 1L)), 2, null);
    assertThat(RolloutStatus.fromWire(Json.parseObject(Json.write(status.toJson()))))
        .isEqualTo(status);
  }

  private static RolloutPlan plan(String... waves) {
    return new RolloutPlan(List.of(waves), null, 1000, List.of(), 10);
  }
}

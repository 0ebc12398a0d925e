package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gate's count of running frames: a thread's nested frames count as one depth, and an exit from
 * a thread with no frame of the set is not counted (the woven code's handler can exit a frame a
 * second time, GateCode), so the count never falls below the frames really running.
 */
class GateTest {
  @Test
  void anExitWithNoFrameInsideIsNotCounted() {
    Gate gate = new Gate(1, List.of());
    assertThat(gate.enter(1)).as("the frame runs its body").isFalse();
    assertThat(gate.enter(1)).as("a nested frame").isFalse();
    assertThat(gate.active()).isEqualTo(2);
    gate.exit();
    gate.exit();
    assertThat(gate.active()).isZero();

    // A second exit of the last frame: counted, it would read -1, and a patch waiting for zero
    // would take a running frame for none.
    gate.exit();
    assertThat(gate.active()).isZero();

    assertThat(gate.enter(1)).isFalse();
    assertThat(gate.active()).isEqualTo(1);
    gate.exit();
    assertThat(gate.active()).isZero();
  }
}

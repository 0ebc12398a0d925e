package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Retired gates stay findable for stragglers for a while, then go: a service patched for days keeps
 * a bounded few.
 */
class RetiredGatesTest {
  @Test
  void aRetiredGateStillSendsOldCodeToTheNewWhileItIsKept() {
    Gates gates = new Gates();
    Gate gate = gates.create(List.of());
    gate.beginSwap();
    gates.remove(gate);

    assertThat(gates.retiredCount()).isEqualTo(1);
    // Woven version 1 is older than the gate's 2: the frame must re-invoke (a method index is not
    // needed to see that).
    assertThat(gate.enter(1)).isTrue();
  }

  @Test
  void gatesRetiredLongerThanTheirKeepAreDroppedAtTheNextRemoval() throws Exception {
    Gates gates = new Gates(TimeUnit.MILLISECONDS.toNanos(1));
    for (int patch = 0; patch < 100; patch++) {
      gates.remove(gates.create(List.of()));
      long retiredAt = System.nanoTime();
      while (System.nanoTime() - retiredAt <= TimeUnit.MILLISECONDS.toNanos(1)) {
        Thread.onSpinWait();
      }
    }
    assertThat(gates.retiredCount()).isEqualTo(1);
  }
}

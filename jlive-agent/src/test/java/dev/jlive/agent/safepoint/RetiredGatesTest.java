package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.agent.expression.ProbeExpressions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/**
 * Retired gates stay findable for stragglers for a while, then go: a service patched for days keeps
 * a bounded few.
 */
class RetiredGatesTest {
  static void gated() {}

  @Test
  void aRetiredGateStillSendsOldCodeToTheNewWhileItIsKept() throws Exception {
    Gates gates = new Gates();
    Gate gate = gates.create(List.of());
    gate.makeReinvokers();
    gate.beginSwap();
    gates.remove(gate);

    assertThat(gates.retiredCount()).isEqualTo(1);
    // Woven version 1 is older than the gate's 2: the frame must re-invoke (a method index is not
    // needed to see that).
    assertThat(gate.enter(1)).isTrue();
  }

  @Test
  void aGateTakenOutForTheSwapIsNoLongerWovenButStillSendsOldFramesToTheNewCode() throws Exception {
    Gates gates = new Gates();
    Gate gate = gates.create(List.of(new Gate.GatedMethod(RetiredGatesTest.class, "gated", "()V")));
    String name = RetiredGatesTest.class.getName();
    ClassLoader loader = RetiredGatesTest.class.getClassLoader();
    assertThat(gates.weavingsFor(loader, name, RetiredGatesTest.class, null)).hasSize(1);

    // The re-invokers' handles come from the agent's trusted lookup.
    ProbeExpressions.initialise(ByteBuddyAgent.install());
    gate.makeReinvokers();
    gate.beginSwap();
    gates.unweave(gate);

    // The swap's retransformation leaves the gate out of the new code...
    assertThat(gates.weavingsFor(loader, name, RetiredGatesTest.class, null)).isEmpty();
    // ...while a frame of the old code (woven with version 1) still finds it and re-invokes.
    assertThat(gates.enter(gate.id, 0, 1)).isNotNull();
  }

  @Test
  void aSwapCannotBeginBeforeItsReinvokersAreMade() throws Exception {
    Gate gate = new Gates().create(List.of());
    assertThatThrownBy(gate::beginSwap).isInstanceOf(IllegalStateException.class);
    // Nothing changed: a frame woven with version 1 runs its body.
    assertThat(gate.enter(1)).isFalse();
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

package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.weave.ClassPipeline;
import java.nio.charset.StandardCharsets;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;

class GateWarmUpTest {
  /** The bridge method the gate's advice calls on entry. */
  private static final String GATE_CALL = "gateEnter";

  @Test
  void theWarmUpWeavesAGateAsideAndLeavesTheClassAlone() throws Exception {
    byte[] base = ClassFileLocator.ForClassLoader.read(Gates.WarmUpTarget.class);

    byte[] woven = Gates.warmUp(new ClassPipeline(null, System.getLogger("test")));

    // The control: the class's own bytes have no gate; what the warm-up wove has one.
    assertThat(text(base)).doesNotContain(GATE_CALL);
    assertThat(text(woven)).contains(GATE_CALL);
    // Nothing was retransformed: the loaded class still runs its own code.
    assertThat(Gates.WarmUpTarget.twice(21)).isEqualTo(42);
  }

  private static String text(byte[] classFile) {
    return new String(classFile, StandardCharsets.ISO_8859_1);
  }
}

package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Holds the sizes that decide how the JIT compiles a probe's per-call path into the probed method
 * (docs/ARCHITECTURE.md, "The probe's plan, constants in the compiled code"). C1 inlines a callee
 * of at most 35 bytes of bytecode ({@code C1MaxInlineSize}) and then keeps almost no profile of the
 * calls that callee makes, so C2 leaves them as calls; so the linked dispatcher's three per-call
 * methods must be larger than that, and they and what they call on must stay within C2's limit for
 * a hot call (325 bytes, {@code FreqInlineSize}). A refactoring that moves these sizes loses the
 * inlining silently; this test says so instead.
 */
class SiteDispatcherShapeTest {
  private static final int C1_MAX_INLINE_SIZE = 35;
  private static final int FREQ_INLINE_SIZE = 325;

  @Test
  void theLinkedDispatchersPerCallMethodsRunOnTheirOwnInC1() throws IOException {
    Map<String, Integer> sizes = codeSizes(SiteDispatcher.class);
    for (String method : new String[] {"timedEnter", "timedExit", "admit"}) {
      assertThat(sizes.get(method))
          .as("bytes of SiteDispatcher.%s", method)
          .isGreaterThan(C1_MAX_INLINE_SIZE)
          .isLessThanOrEqualTo(FREQ_INLINE_SIZE);
    }
  }

  @Test
  void whatTheyCallOnFitsAHotInline() throws IOException {
    Map<String, Integer> sizes = codeSizes(ProbeDispatcher.class);
    for (String method : new String[] {"afterHit", "exitCounted", "admitCounted"}) {
      assertThat(sizes.get(method))
          .as("bytes of ProbeDispatcher.%s", method)
          .isLessThanOrEqualTo(FREQ_INLINE_SIZE);
    }
    assertThat(codeSizes(CallPlan.class).get("hit")).isLessThanOrEqualTo(FREQ_INLINE_SIZE);
    assertThat(codeSizes(ThreadCells.class).get("count")).isLessThanOrEqualTo(FREQ_INLINE_SIZE);
  }

  /**
   * Each method's bytecode length, by name (the largest of overloads): the offset of its last label,
   * which the class reader puts at the end of the code (the local variables' scopes end there).
   */
  private static Map<String, Integer> codeSizes(Class<?> type) throws IOException {
    ClassNode node = new ClassNode();
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      new ClassReader(in).accept(node, 0);
    }
    Map<String, Integer> sizes = new HashMap<>();
    for (MethodNode method : node.methods) {
      int end = 0;
      for (AbstractInsnNode insn = method.instructions.getFirst();
          insn != null;
          insn = insn.getNext()) {
        if (insn instanceof LabelNode label) {
          end = Math.max(end, label.getLabel().getOffset());
        }
      }
      sizes.merge(method.name, end, Math::max);
    }
    return sizes;
  }
}

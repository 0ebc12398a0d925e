package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

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
   * What the path calls only for some kinds of probe is inlined where C2 finds no profile for the
   * call only if it is at most 35 bytes ({@code MaxInlineSize}). {@code afterHit} serves every
   * site, so its profile is of the kinds that ran first: on a Spring Boot service, a metrics probe
   * added after a counting one had {@code timingWeight} and {@code startToken} as calls ("too
   * big"), timing every call through two calls more (docs/BENCHMARKS.md, section 54.6).
   */
  @Test
  void whatOnlySomeKindsCallInlinesWithoutAProfile() throws IOException {
    assertThat(codeSizes(CallPlan.class).get("timingWeight"))
        .as("bytes of CallPlan.timingWeight")
        .isLessThanOrEqualTo(C1_MAX_INLINE_SIZE);
    assertThat(codeSizes(Probe.class).get("callerWeight"))
        .as("bytes of Probe.callerWeight")
        .isLessThanOrEqualTo(C1_MAX_INLINE_SIZE);
    Map<String, Integer> sizes = codeSizes(ProbeDispatcher.class);
    for (String method : new String[] {"startToken", "timedStart", "admitAtEnd"}) {
      assertThat(sizes.get(method))
          .as("bytes of ProbeDispatcher.%s", method)
          .isLessThanOrEqualTo(C1_MAX_INLINE_SIZE);
    }
  }

  /**
   * Each method's bytecode length, by name (the largest of overloads): the class copied through a
   * class writer, which places each label as it writes the code, and the offset of the method's
   * last label, where the local variables' scopes end: the end of the code.
   */
  private static Map<String, Integer> codeSizes(Class<?> type) throws IOException {
    Map<String, Integer> sizes = new HashMap<>();
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      new ClassReader(in)
          .accept(
              new ClassVisitor(Opcodes.ASM9, new ClassWriter(0)) {
                @Override
                public MethodVisitor visitMethod(
                    int access, String name, String descriptor, String signature, String[] ex) {
                  MethodVisitor writer = super.visitMethod(access, name, descriptor, signature, ex);
                  return new MethodVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public void visitLabel(Label label) {
                      super.visitLabel(label);
                      sizes.merge(name, label.getOffset(), Math::max);
                    }
                  };
                }
              },
              0);
    }
    return sizes;
  }
}

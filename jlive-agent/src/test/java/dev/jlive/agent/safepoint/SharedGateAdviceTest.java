package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.weave.ClassPipeline;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

/**
 * The gate's advice is built once and given each gate's id, version and method index as it weaves:
 * the woven bytes are, byte for byte, those of an {@code Advice} bound to the same numbers as
 * constants for each gate (how gates were woven before), for numbers of every size the JVM encodes
 * differently, an instance and a static method, and two gates on one method.
 */
class SharedGateAdviceTest {
  private final ClassPipeline pipeline = new ClassPipeline(null, System.getLogger("test"));
  private final byte[] base = ClassFileLocator.ForClassLoader.read(Target.class);

  /** A class to weave into: an instance method with a result, a static one without. */
  static final class Target {
    long total(int[] quantities) {
      long total = 0;
      for (int quantity : quantities) {
        total += quantity;
      }
      return total;
    }

    static void record(List<String> seen, String what) {
      seen.add(what);
    }
  }

  private static final String TOTAL = "total";
  private static final String TOTAL_DESCRIPTOR = "([I)J";
  private static final String RECORD = "record";
  private static final String RECORD_DESCRIPTOR = "(Ljava/util/List;Ljava/lang/String;)V";

  @Test
  void theSharedAdviceWeavesWhatAnAdviceBoundPerGateWove() {
    // ICONST, BIPUSH, SIPUSH and LDC: each size of number is written with another instruction.
    int[][] numbers = {{1, 1, 0}, {6, 2, 1}, {100, 7, 3}, {40_000, 300, 0}, {70_000, 70_001, 2}};
    for (int[] n : numbers) {
      for (String[] method :
          new String[][] {{TOTAL, TOTAL_DESCRIPTOR}, {RECORD, RECORD_DESCRIPTOR}}) {
        byte[] shared = woven(Gates.advice(n[0], n[1], n[2], method[0], method[1]));
        byte[] perGate = woven(boundPerGate(n[0], n[1], n[2], method[0], method[1]));
        assertThat(shared)
            .as("gate %s of %s", List.of(n[0], n[1], n[2]), method[0])
            .isEqualTo(perGate);
      }
    }
  }

  @Test
  void twoGatesOnOneMethodEachPassTheirOwnNumbers() {
    // Not done by the patch engine today (one gate is in the weaving at a time), but nothing in the
    // weaving may depend on that: each weaving carries its own numbers.
    byte[] shared =
        woven(
            new AsmVisitorWrapper.Compound(
                Gates.advice(3, 2, 0, TOTAL, TOTAL_DESCRIPTOR),
                Gates.advice(4, 1, 1, TOTAL, TOTAL_DESCRIPTOR)));
    byte[] perGate =
        woven(
            new AsmVisitorWrapper.Compound(
                boundPerGate(3, 2, 0, TOTAL, TOTAL_DESCRIPTOR),
                boundPerGate(4, 1, 1, TOTAL, TOTAL_DESCRIPTOR)));
    assertThat(shared).isEqualTo(perGate);
  }

  @Test
  void theNumbersAreInTheWovenCode() {
    // The control for the comparisons above: other numbers give other bytes, so equal bytes mean
    // equal numbers, and the shared advice does not keep the first weaving's numbers.
    byte[] first = woven(Gates.advice(6, 2, 1, TOTAL, TOTAL_DESCRIPTOR));
    assertThat(woven(Gates.advice(6, 3, 1, TOTAL, TOTAL_DESCRIPTOR))).isNotEqualTo(first);
    assertThat(woven(Gates.advice(7, 2, 1, TOTAL, TOTAL_DESCRIPTOR))).isNotEqualTo(first);
    assertThat(woven(Gates.advice(6, 2, 0, TOTAL, TOTAL_DESCRIPTOR))).isNotEqualTo(first);
    assertThat(woven(Gates.advice(6, 2, 1, TOTAL, TOTAL_DESCRIPTOR))).isEqualTo(first);
  }

  private byte[] woven(AsmVisitorWrapper visitor) {
    return pipeline.weaveAside(Target.class, base, visitor);
  }

  /** How each gate's advice was made before it was shared: a new {@code Advice} per gate. */
  private static AsmVisitorWrapper boundPerGate(
      int gate, int version, int method, String name, String descriptor) {
    return Advice.withCustomMapping()
        .bind(GateBindings.GateId.class, gate)
        .bind(GateBindings.GateVersion.class, version)
        .bind(GateBindings.GateMethod.class, method)
        .to(GateAdvice.class)
        .on(
            ElementMatchers.<MethodDescription>named(name)
                .and(ElementMatchers.hasDescriptor(descriptor)));
  }
}

package dev.jlive.agent.patch;

import static org.assertj.core.api.Assertions.assertThat;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/** Which method bodies two versions of a class change, as a patch's check compares them. */
class ClassDiffTest {
  /**
   * A class {@code demo.Prices} with {@code int base()} returning {@code base} and {@code int
   * tax()} returning 7; {@code line} is the line number written for both bodies.
   */
  private static byte[] prices(int base, int line) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "demo/Prices", null, "java/lang/Object", null);
    constant(writer, "base", base, line);
    constant(writer, "tax", 7, line);
    writer.visitEnd();
    return writer.toByteArray();
  }

  private static void constant(ClassWriter writer, String name, int value, int line) {
    MethodVisitor method =
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, "()I", null, null);
    method.visitCode();
    Label start = new Label();
    method.visitLabel(start);
    method.visitLineNumber(line, start);
    method.visitLdcInsn(value);
    method.visitInsn(Opcodes.IRETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
  }

  @Test
  void aChangedBodyIsFoundAndAnUnchangedOneIsNot() {
    ClassDiff diff =
        ClassDiff.between(ClassShape.of(prices(100, 10)), ClassShape.of(prices(120, 10)));

    assertThat(diff.refused()).isEmpty();
    assertThat(diff.changedKeys()).containsExactly("base ()I");
  }

  @Test
  void codeThatOnlyMovedInTheSourceIsNoChange() {
    ClassDiff diff =
        ClassDiff.between(ClassShape.of(prices(100, 10)), ClassShape.of(prices(100, 42)));

    assertThat(diff.refused()).isEmpty();
    assertThat(diff.changedKeys()).isEmpty();
  }

  @Test
  void theMajorVersionIsReadFromTheHeader() {
    byte[] classFile = prices(100, 10);

    assertThat(ClassShape.majorVersion(classFile)).isEqualTo(61);
    assertThat(ClassShape.of(classFile).majorVersion()).isEqualTo(61);
  }
}

package dev.jlive.agent.weave;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Int constants in woven code. */
public final class IntConstants {
  private IntConstants() {}

  /**
   * Pushes {@code value} with the shortest instruction, ICONST, BIPUSH or SIPUSH, and LDC only past
   * a short: a constant pool entry that no earlier version of a class had stays in every later
   * version's merged pool (see ProbeDispatcher), so woven numbers keep out of it where they can.
   */
  public static void push(MethodVisitor mv, int value) {
    if (value >= -1 && value <= 5) {
      mv.visitInsn(Opcodes.ICONST_0 + value);
    } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
      mv.visitIntInsn(Opcodes.BIPUSH, value);
    } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
      mv.visitIntInsn(Opcodes.SIPUSH, value);
    } else {
      mv.visitLdcInsn(value);
    }
  }
}

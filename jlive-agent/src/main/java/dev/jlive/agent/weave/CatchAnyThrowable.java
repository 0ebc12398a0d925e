package dev.jlive.agent.weave;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Turns every exception handler that catches {@code java.lang.Throwable} into one that catches any
 * exception (catch type 0, as javac writes for {@code finally}): the same handler, since everything
 * thrown is a Throwable, and the verifier gives both the same type on the handler's stack.
 *
 * <p>Why: on Java 17 (before JDK-8308762, fixed in 22) the verifier resolves a {@code Throwable}
 * catch type in the constant pool of each new version, and RedefineClasses then fails to match that
 * resolved entry with the previous version's unresolved one and appends a new one: the class's
 * constant pool grows by one entry with every retransformation of woven code (every exit advice
 * catches Throwable), so no freed block of an older version fits a newer one and metaspace grows
 * faster the longer changes go on (BENCHMARKS.md section 9). A catch-any handler has no constant.
 */
final class CatchAnyThrowable {
  private static final String THROWABLE = "java/lang/Throwable";

  private CatchAnyThrowable() {}

  /**
   * The class with its Throwable handlers catching any exception; the same bytes when it has none.
   */
  static byte[] rewrite(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    boolean[] changed = {false};
    // Given the reader, the writer copies the constant pool and every method it does not change.
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(
                Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
              @Override
              public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                boolean throwable = THROWABLE.equals(type);
                changed[0] |= throwable;
                super.visitTryCatchBlock(start, end, handler, throwable ? null : type);
              }
            };
          }
        },
        0);
    return changed[0] ? writer.toByteArray() : bytes;
  }
}

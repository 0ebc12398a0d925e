package dev.jlive.agent.weave;

import java.util.HashSet;
import java.util.Set;
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
    Set<String> catching = methodsCatchingThrowable(reader);
    if (catching.isEmpty()) {
      return bytes;
    }
    // Given the reader, the writer copies the constant pool, and every method that reaches it
    // straight from the reader is copied as it is: only the methods with such a handler are read
    // instruction by instruction (on a 174 KB class, one method instead of all of them).
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor out = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!catching.contains(name + " " + descriptor)) {
              return out;
            }
            return new MethodVisitor(Opcodes.ASM9, out) {
              @Override
              public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                super.visitTryCatchBlock(start, end, handler, THROWABLE.equals(type) ? null : type);
              }
            };
          }
        },
        0);
    return writer.toByteArray();
  }

  /**
   * The methods ("name descriptor") with a handler of Throwable, found in the class file's
   * exception tables without reading any instruction (JVMS 4.7.3).
   */
  static Set<String> methodsCatchingThrowable(ClassReader reader) {
    char[] buffer = new char[reader.getMaxStringLength()];
    Set<String> catching = new HashSet<>();
    for (MethodTable.Method method : MethodTable.of(reader)) {
      int code = MethodTable.code(reader, method, buffer);
      if (code < 0) {
        continue;
      }
      // max_stack, max_locals, code_length, code, then the exception table.
      int table = code + 8 + reader.readInt(code + 4);
      int handlers = reader.readUnsignedShort(table);
      for (int h = 0; h < handlers; h++) {
        int catchType = table + 2 + 8 * h + 6;
        if (reader.readUnsignedShort(catchType) != 0
            && THROWABLE.equals(reader.readClass(catchType, buffer))) {
          catching.add(method.key());
          break;
        }
      }
    }
    return catching;
  }
}

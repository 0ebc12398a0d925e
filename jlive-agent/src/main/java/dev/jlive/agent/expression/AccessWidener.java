package dev.jlive.agent.expression;

import dev.jlive.agent.compile.ClassFileView;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Shows javac the probed class and its nest (its outer and inner classes) with {@code private}
 * turned into package access, so an expression may read private fields as engineers expect.
 *
 * <p>Only the compiler sees this. The expression's class is then defined as a hidden nestmate of
 * the probed class, and the JVM lets nestmates use each other's private members: the running code
 * reads the real private fields, with no reflection.
 */
public final class AccessWidener implements ClassFileView {
  private final String topLevel;
  private final boolean alsoFinal;

  AccessWidener(Class<?> target) {
    this(target, false);
  }

  /**
   * @param alsoFinal also drop {@code final} from the classes and their methods, so that javac lets
   *     a class extend the probed class (a single-method patch is compiled as a subclass)
   */
  public AccessWidener(Class<?> target, boolean alsoFinal) {
    this.alsoFinal = alsoFinal;
    String name = target.getName();
    int dollar = name.indexOf('$', name.lastIndexOf('.') + 1);
    this.topLevel = dollar < 0 ? name : name.substring(0, dollar);
  }

  @Override
  public boolean changes(String binaryName) {
    return binaryName.equals(topLevel) || binaryName.startsWith(topLevel + "$");
  }

  @Override
  public byte[] apply(String binaryName, byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public void visit(
              int version,
              int access,
              String name,
              String signature,
              String superName,
              String[] interfaces) {
            super.visit(
                version,
                alsoFinal ? access & ~Opcodes.ACC_FINAL : access,
                name,
                signature,
                superName,
                interfaces);
          }

          @Override
          public FieldVisitor visitField(
              int access, String name, String descriptor, String signature, Object value) {
            return super.visitField(widen(access), name, descriptor, signature, value);
          }

          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            int widened = alsoFinal ? widen(access) & ~Opcodes.ACC_FINAL : widen(access);
            return super.visitMethod(widened, name, descriptor, signature, exceptions);
          }

          @Override
          public void visitInnerClass(String name, String outerName, String innerName, int access) {
            super.visitInnerClass(
                name,
                outerName,
                innerName,
                alsoFinal ? widen(access) & ~Opcodes.ACC_FINAL : widen(access));
          }
        },
        0);
    return writer.toByteArray();
  }

  private static int widen(int access) {
    return access & ~Opcodes.ACC_PRIVATE;
  }
}

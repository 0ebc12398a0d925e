package dev.jlive.agent.expression;

import dev.jlive.agent.weave.InstructionCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Proves that the text compiled as one expression. The text is pasted into a method of a class
 * body, so text such as {@code true; } static int x() { ... } static boolean y() { return true}
 * compiles too, declaring members that the read-only check would never look at. Rather than parse
 * Java (javac's tree API is absent where ECJ compiles), the compiled class is checked to hold
 * exactly what jlive's own source declares: the constructor javac generates (three instructions)
 * and the method {@code test}, no field, no static initialiser and no other class. Whatever the
 * text, anything it adds shows up here, so the check is sound for any input, and the read-only
 * check then sees all the code that can run.
 */
final class ExpressionShape {
  private ExpressionShape() {}

  /**
   * What the compile declared besides the expression; empty when it is one expression.
   *
   * @param strict also refuse what javac adds by itself (lambda bodies, switch-map classes), which
   *     only code with side effects allowed may use
   */
  static List<String> extras(Map<String, byte[]> compiled, String className, boolean strict) {
    List<String> extras = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : compiled.entrySet()) {
      if (!entry.getKey().equals(className)) {
        boolean synthetic =
            (new ClassReader(entry.getValue()).getAccess() & Opcodes.ACC_SYNTHETIC) != 0;
        if (strict || !synthetic) {
          extras.add(
              synthetic
                  ? "needs the helper class " + entry.getKey() + " (an enum switch?)"
                  : "declares the class "
                      + entry.getKey().substring(entry.getKey().lastIndexOf('.') + 1));
        }
      }
    }
    byte[] bytes = compiled.get(className);
    if (bytes == null) {
      extras.add("produced no class " + className);
      return extras;
    }
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public FieldVisitor visitField(
                  int access, String name, String descriptor, String signature, Object value) {
                extras.add("declares the field " + name);
                return null;
              }

              @Override
              public MethodVisitor visitMethod(
                  int access,
                  String name,
                  String descriptor,
                  String signature,
                  String[] exceptions) {
                boolean synthetic = (access & Opcodes.ACC_SYNTHETIC) != 0;
                switch (name) {
                  case "test" -> {
                    return null;
                  }
                  case "<init>" -> {
                    return new InstructionCounter() {
                      @Override
                      public void visitEnd() {
                        // aload_0, invokespecial Object.<init>, return: the implicit constructor.
                        if (instructions() > 3 || !descriptor.equals("()V")) {
                          extras.add("declares a constructor or an initialiser block");
                        }
                      }
                    };
                  }
                  case "<clinit>" -> extras.add("declares a static initialiser (or uses assert)");
                  default -> {
                    if (strict || !synthetic) {
                      extras.add(
                          synthetic
                              ? "uses a lambda (" + name + ")"
                              : "declares the method "
                                  + ReadOnlyCheck.display("", name, descriptor).substring(1));
                    }
                  }
                }
                return null;
              }
            },
            ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return extras;
  }
}

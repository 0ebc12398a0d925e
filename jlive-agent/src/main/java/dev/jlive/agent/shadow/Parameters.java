package dev.jlive.agent.shadow;

import dev.jlive.agent.expression.ProbeExpressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/** What a method's class file says of it: static or not, and its parameters' names. */
final class Parameters {
  private Parameters() {}

  static boolean isStatic(byte[] classBytes, String name, String descriptor) {
    int[] access = {0};
    new ClassReader(classBytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int flags, String method, String desc, String signature, String[] exceptions) {
                if (method.equals(name) && desc.equals(descriptor)) {
                  access[0] = flags;
                }
                return null;
              }
            },
            ClassReader.SKIP_CODE);
    return (access[0] & Opcodes.ACC_STATIC) != 0;
  }

  /**
   * The parameters as --expect names them: by the local variable table when the class has one (as
   * javac writes it by default), else {@code arg0}, {@code arg1}...
   */
  static List<ProbeExpressions.Variable> of(
      byte[] classBytes, String name, String descriptor, boolean isStatic) {
    Type[] types = Type.getArgumentTypes(descriptor);
    Map<Integer, String> byLocal = new TreeMap<>();
    new ClassReader(classBytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int flags, String method, String desc, String signature, String[] exceptions) {
                if (!method.equals(name) || !desc.equals(descriptor)) {
                  return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitLocalVariable(
                      String local,
                      String localDescriptor,
                      String localSignature,
                      Label start,
                      Label end,
                      int index) {
                    byLocal.putIfAbsent(index, local);
                  }
                };
              }
            },
            ClassReader.SKIP_FRAMES);
    List<ProbeExpressions.Variable> variables = new ArrayList<>();
    int local = isStatic ? 0 : 1;
    for (int i = 0; i < types.length; i++) {
      String named = byLocal.getOrDefault(local, "arg" + i);
      variables.add(ProbeExpressions.Variable.fromDescriptor(named, types[i].getDescriptor()));
      local += types[i].getSize();
    }
    return variables;
  }

  /** {@code name(long,int)}, as engineers write a method. */
  static String display(String name, String descriptor) {
    List<String> types = new ArrayList<>();
    for (Type type : Type.getArgumentTypes(descriptor)) {
      types.add(type.getClassName());
    }
    return name + "(" + String.join(",", types) + ")";
  }
}

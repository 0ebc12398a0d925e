package dev.jlive.agent.probe;

import dev.jlive.agent.weave.Weaving;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves a line probe: where the line's code starts, a call to the bridge with the receiver and
 * the values of the locals in scope, boxed into an array. The inserted code leaves the operand
 * stack as it found it and adds no branch, so the method's stack map frames stay valid.
 */
final class LineWeaving implements Weaving, AsmVisitorWrapper {
  private final LineTarget target;
  private final int slot;

  LineWeaving(LineTarget target, int slot) {
    this.target = target;
    this.slot = slot;
  }

  @Override
  public AsmVisitorWrapper visitor() {
    return this;
  }

  @Override
  public int mergeWriter(int flags) {
    return flags | ClassWriter.COMPUTE_MAXS;
  }

  @Override
  public int mergeReader(int flags) {
    return flags;
  }

  @Override
  public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor, Implementation.Context context,
      TypePool typePool, FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods, int writerFlags, int readerFlags) {
    return new ClassVisitor(Opcodes.ASM9, classVisitor) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        MethodVisitor visitor = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (!name.equals(target.methodName()) || !descriptor.equals(target.descriptor())) {
          return visitor;
        }
        return new MethodVisitor(Opcodes.ASM9, visitor) {
          private boolean done;

          @Override
          public void visitLineNumber(int line, Label start) {
            super.visitLineNumber(line, start);
            if (line == target.line() && !done) {
              done = true;
              emitCall(mv, name.equals("<init>"));
            }
          }
        };
      }
    };
  }

  private void emitCall(MethodVisitor mv, boolean constructor) {
    mv.visitLdcInsn(slot);
    if (target.isStatic() || constructor) {
      // In a constructor, this may not be initialised yet at the line.
      mv.visitInsn(Opcodes.ACONST_NULL);
    } else {
      mv.visitVarInsn(Opcodes.ALOAD, 0);
    }
    mv.visitLdcInsn(target.locals().size());
    mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
    int index = 0;
    for (LineTarget.Local local : target.locals()) {
      mv.visitInsn(Opcodes.DUP);
      mv.visitLdcInsn(index++);
      loadBoxed(mv, local);
      mv.visitInsn(Opcodes.AASTORE);
    }
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/jlive/bridge/JLiveBridge", "enter", "(ILjava/lang/Object;[Ljava/lang/Object;)J", false);
    mv.visitInsn(Opcodes.POP2);
  }

  private static void loadBoxed(MethodVisitor mv, LineTarget.Local local) {
    String descriptor = local.descriptor();
    switch (descriptor.charAt(0)) {
      case 'Z' -> box(mv, Opcodes.ILOAD, local.slot(), "java/lang/Boolean", "Z");
      case 'B' -> box(mv, Opcodes.ILOAD, local.slot(), "java/lang/Byte", "B");
      case 'C' -> box(mv, Opcodes.ILOAD, local.slot(), "java/lang/Character", "C");
      case 'S' -> box(mv, Opcodes.ILOAD, local.slot(), "java/lang/Short", "S");
      case 'I' -> box(mv, Opcodes.ILOAD, local.slot(), "java/lang/Integer", "I");
      case 'J' -> box(mv, Opcodes.LLOAD, local.slot(), "java/lang/Long", "J");
      case 'F' -> box(mv, Opcodes.FLOAD, local.slot(), "java/lang/Float", "F");
      case 'D' -> box(mv, Opcodes.DLOAD, local.slot(), "java/lang/Double", "D");
      default -> mv.visitVarInsn(Opcodes.ALOAD, local.slot());
    }
  }

  private static void box(MethodVisitor mv, int load, int slot, String owner, String primitive) {
    mv.visitVarInsn(load, slot);
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner, "valueOf", "(" + primitive + ")L" + owner + ";", false);
  }
}

package dev.jlive.agent.probe;

import dev.jlive.agent.weave.Weaving;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;

/**
 * A weaving that rewrites the code of one method, found by name and descriptor, with ASM: a line
 * probe's call, a trace's or line profile's marks. The code it adds keeps the stack as it found it
 * and adds no branch, so only the maximum stack is recomputed.
 */
abstract class OneMethodWeaving implements Weaving, AsmVisitorWrapper {
  private final String methodName;
  private final String descriptor;

  OneMethodWeaving(String methodName, String descriptor) {
    this.methodName = methodName;
    this.descriptor = descriptor;
  }

  /** Wraps the visitor of the method's code; {@code constructor} when it is {@code <init>}. */
  abstract MethodVisitor wrapMethod(MethodVisitor visitor, boolean constructor);

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
  public ClassVisitor wrap(
      TypeDescription instrumentedType,
      ClassVisitor classVisitor,
      Implementation.Context context,
      TypePool typePool,
      FieldList<FieldDescription.InDefinedShape> fields,
      MethodList<?> methods,
      int writerFlags,
      int readerFlags) {
    return new ClassVisitor(Opcodes.ASM9, classVisitor) {
      @Override
      public MethodVisitor visitMethod(
          int access, String name, String desc, String signature, String[] exceptions) {
        MethodVisitor visitor = super.visitMethod(access, name, desc, signature, exceptions);
        if (!name.equals(methodName) || !desc.equals(descriptor)) {
          return visitor;
        }
        return wrapMethod(visitor, name.equals("<init>"));
      }
    };
  }
}

package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * What {@link ProbeAdvice.TypedEntry} reads as its {@link ConditionHolds} parameter: an {@code
 * invokedynamic} that passes the receiver (for an instance method) and the method's arguments with
 * their own types to the probe's compiled condition, linked once by {@link
 * JLiveBridge#conditionSite}. Byte Buddy emits it where the advice reads the value, so only a call
 * that sampling kept tests the condition, and nothing is boxed to test it.
 */
final class TypedConditionCall implements Advice.OffsetMapping {
  private static final Handle BOOTSTRAP = BridgeBootstrap.handle("conditionSite");

  private final int slot;

  TypedConditionCall(int slot) {
    this.slot = slot;
  }

  /**
   * True when the class file can hold an {@code invokedynamic} (Java 7 and later); older ones keep
   * the condition that reads boxed arguments.
   */
  static boolean fits(TypeDescription declaringType) {
    ClassFileVersion version = declaringType.getClassFileVersion();
    return version != null && version.isAtLeast(ClassFileVersion.JAVA_V7);
  }

  /** True when the running bridge can link the call (a bridge left by an older agent cannot). */
  static boolean bridgeLinks() {
    return BridgeBootstrap.present("conditionSite");
  }

  @Override
  public Target resolve(
      TypeDescription instrumentedType,
      MethodDescription instrumentedMethod,
      Assigner assigner,
      Advice.ArgumentHandler arguments,
      Sort sort) {
    return new Target.ForStackManipulation(
        new Invoke(instrumentedType, instrumentedMethod, arguments));
  }

  private final class Invoke extends StackManipulation.AbstractBase {
    private final TypeDescription type;
    private final MethodDescription method;
    private final Advice.ArgumentHandler arguments;

    Invoke(TypeDescription type, MethodDescription method, Advice.ArgumentHandler arguments) {
      this.type = type;
      this.method = method;
      this.arguments = arguments;
    }

    @Override
    public Size apply(MethodVisitor visitor, Implementation.Context context) {
      if (!context.getClassFileVersion().isAtLeast(ClassFileVersion.JAVA_V7)) {
        throw new IllegalStateException(
            type.getName()
                + " is a class file older than Java 7: it cannot call a typed condition");
      }
      StringBuilder descriptor = new StringBuilder("(");
      int size = 0;
      if (!method.isStatic()) {
        visitor.visitVarInsn(Opcodes.ALOAD, arguments.argument(0));
        descriptor.append(type.getDescriptor());
        size++;
      }
      for (ParameterDescription parameter : method.getParameters()) {
        TypeDescription parameterType = parameter.getType().asErasure();
        Type asm = Type.getType(parameterType.getDescriptor());
        visitor.visitVarInsn(
            asm.getOpcode(Opcodes.ILOAD), arguments.argument(parameter.getOffset()));
        descriptor.append(parameterType.getDescriptor());
        size += asm.getSize();
      }
      descriptor.append(")Z");
      visitor.visitInvokeDynamicInsn("holds", descriptor.toString(), BOOTSTRAP, slot);
      return new Size(1, Math.max(size, 1));
    }
  }
}

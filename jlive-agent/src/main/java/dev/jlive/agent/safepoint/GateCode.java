package dev.jlive.agent.safepoint;

import dev.jlive.agent.weave.BeforeInstructions;
import dev.jlive.agent.weave.IntConstants;
import dev.jlive.bridge.JLiveBridge;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The gate woven into one method of a quiescence set, written as bytecode while the method's code
 * passes by:
 *
 * <pre>{@code
 * Object reinvoker = JLiveBridge.gateEnter(GATE, METHOD, VERSION);   // kept on the stack only
 * if (reinvoker != null) {                                          // this frame's code is old
 *   return (R) JLiveBridge.reinvoke(reinvoker, this or null, new Object[] {arguments});
 * }
 * try {
 *   body, with JLiveBridge.gateExit(GATE) in front of each of its returns
 * } catch (anything t) {
 *   JLiveBridge.gateExit(GATE);
 *   throw t;
 * }
 * }</pre>
 *
 * <p>This is what Byte Buddy's {@code Advice} made of the gate's advice class before, and runs the
 * same. Written directly, a patch's weaving no longer copies and re-maps an advice method into the
 * changed method: that was most of jlive's own CPU in the transformer of a class-file patch, and it
 * ran interpreted in a JVM's first patches (docs/BENCHMARKS.md, sections 55.2 and 57).
 *
 * <p>The re-invoker stays on the operand stack, so the method gets no local of its own: the body's
 * locals, frames and local variable table are left as they are. Each return leaves the gate where
 * it stands rather than jumping to one exit: a return may leave more values on the stack under the
 * one it returns (Kotlin's suspend functions do), which a jump would carry to the exit's frame. So
 * the returns are inside the gate's try block. The bridge's {@code gateExit} never throws, so the
 * handler runs after a return's {@code gateExit} only when that call itself failed (a stack
 * overflow: the gate was not left, and the handler leaves it), or when the return instruction threw
 * (a monitor not held, which compiled Java and Kotlin never do; {@link Gate#exit} ignores the
 * second exit of a thread with no frame inside).
 *
 * <p>The gate's try block is registered after the method's own handlers, so they keep catching
 * first, and before any weaving that wraps this one registers its own, so the gate's exit runs
 * inside it. The frames added (at the handler and the re-invocation) list the method's parameters
 * as declared, as Byte Buddy's advice did: its own advice, woven around this code, expects every
 * frame to start with them.
 *
 * <p>Constructors are never gated (see {@code PatchEngine}): their body begins with the super call,
 * which a skipped body could not make.
 */
final class GateCode extends BeforeInstructions {
  private static final String BRIDGE = Type.getInternalName(JLiveBridge.class);
  private static final String OBJECT = "java/lang/Object";
  private static final String THROWABLE = "java/lang/Throwable";

  private final Type returnType;
  private final Type[] parameters;
  private final boolean isStatic;
  private final Object[] entryLocals;
  private final boolean writeFrames;
  private final int gate;
  private final int version;
  private final int method;

  private final Label bodyStart = new Label();
  private final Label bodyEnd = new Label();
  private final Label thrown = new Label();
  private final Label reinvoke = new Label();
  private boolean entered;

  /**
   * @param owner the internal name of the class the method belongs to
   * @param writeFrames whether the class file has stack map frames (version 50 and later)
   */
  GateCode(
      MethodVisitor next,
      String owner,
      int access,
      String descriptor,
      boolean writeFrames,
      int gate,
      int version,
      int method) {
    super(next);
    this.returnType = Type.getReturnType(descriptor);
    this.parameters = Type.getArgumentTypes(descriptor);
    this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
    this.entryLocals = entryLocals(owner, isStatic, parameters);
    this.writeFrames = writeFrames;
    this.gate = gate;
    this.version = version;
    this.method = method;
  }

  /**
   * Writes the gate's entry in front of the body's first instruction, label or frame. Not in {@code
   * visitCode}: the method's own handlers are visited between the two, and the gate's must come
   * after them in the exception table.
   */
  private void enter() {
    if (entered) {
      return;
    }
    entered = true;
    mv.visitTryCatchBlock(bodyStart, bodyEnd, thrown, null);
    IntConstants.push(mv, gate);
    IntConstants.push(mv, method);
    IntConstants.push(mv, version);
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "gateEnter", "(III)Ljava/lang/Object;", false);
    mv.visitInsn(Opcodes.DUP);
    mv.visitJumpInsn(Opcodes.IFNONNULL, reinvoke);
    mv.visitInsn(Opcodes.POP);
    mv.visitLabel(bodyStart);
  }

  @Override
  public void visitInsn(int opcode) {
    if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
      enter();
      gateExit();
    }
    super.visitInsn(opcode);
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    enter();
    mv.visitLabel(bodyEnd);

    mv.visitLabel(thrown);
    frame(THROWABLE);
    gateExit();
    mv.visitInsn(Opcodes.ATHROW);

    mv.visitLabel(reinvoke);
    frame(OBJECT);
    reinvokeAndReturn();

    // A return's value and the gate's number; the re-invocation's deepest stack: re-invoker,
    // receiver, array, array, index, a long.
    super.visitMaxs(Math.max(maxStack + 1, 7), maxLocals);
  }

  private void gateExit() {
    IntConstants.push(mv, gate);
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "gateExit", "(I)V", false);
  }

  /** With the re-invoker on the stack: calls the method again and returns what it returned. */
  private void reinvokeAndReturn() {
    if (isStatic) {
      mv.visitInsn(Opcodes.ACONST_NULL);
    } else {
      mv.visitVarInsn(Opcodes.ALOAD, 0);
    }
    IntConstants.push(mv, parameters.length);
    mv.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
    int slot = isStatic ? 0 : 1;
    for (int index = 0; index < parameters.length; index++) {
      Type parameter = parameters[index];
      mv.visitInsn(Opcodes.DUP);
      IntConstants.push(mv, index);
      mv.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
      box(parameter);
      mv.visitInsn(Opcodes.AASTORE);
      slot += parameter.getSize();
    }
    mv.visitMethodInsn(
        Opcodes.INVOKESTATIC,
        BRIDGE,
        "reinvoke",
        "(Ljava/lang/Object;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;",
        false);
    switch (returnType.getSort()) {
      case Type.VOID -> mv.visitInsn(Opcodes.POP);
      case Type.OBJECT, Type.ARRAY ->
          mv.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
      default -> unbox(returnType);
    }
    mv.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
  }

  private void box(Type type) {
    String wrapper = wrapper(type);
    if (wrapper != null) {
      mv.visitMethodInsn(
          Opcodes.INVOKESTATIC,
          wrapper,
          "valueOf",
          "(" + type.getDescriptor() + ")L" + wrapper + ";",
          false);
    }
  }

  private void unbox(Type type) {
    String wrapper = wrapper(type);
    mv.visitTypeInsn(Opcodes.CHECKCAST, wrapper);
    mv.visitMethodInsn(
        Opcodes.INVOKEVIRTUAL,
        wrapper,
        type.getClassName() + "Value",
        "()" + type.getDescriptor(),
        false);
  }

  /** The wrapper class of a primitive type; null for references. */
  private static String wrapper(Type type) {
    return switch (type.getSort()) {
      case Type.BOOLEAN -> "java/lang/Boolean";
      case Type.BYTE -> "java/lang/Byte";
      case Type.CHAR -> "java/lang/Character";
      case Type.SHORT -> "java/lang/Short";
      case Type.INT -> "java/lang/Integer";
      case Type.LONG -> "java/lang/Long";
      case Type.FLOAT -> "java/lang/Float";
      case Type.DOUBLE -> "java/lang/Double";
      default -> null;
    };
  }

  /** A frame of the method's parameters as declared, with one value on the stack. */
  private void frame(Object onStack) {
    if (writeFrames) {
      mv.visitFrame(Opcodes.F_NEW, entryLocals.length, entryLocals, 1, new Object[] {onStack});
    }
  }

  private static Object[] entryLocals(String owner, boolean isStatic, Type[] parameters) {
    List<Object> locals = new ArrayList<>();
    if (!isStatic) {
      locals.add(owner);
    }
    for (Type parameter : parameters) {
      locals.add(verificationType(parameter));
    }
    return locals.toArray();
  }

  private static Object verificationType(Type type) {
    return switch (type.getSort()) {
      case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
      case Type.FLOAT -> Opcodes.FLOAT;
      case Type.LONG -> Opcodes.LONG;
      case Type.DOUBLE -> Opcodes.DOUBLE;
      default -> type.getInternalName();
    };
  }

  // The body's first event may be a frame or a label: the gate's entry goes in front of it too.

  @Override
  protected void beforeInstruction() {
    enter();
  }

  @Override
  public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
    enter();
    super.visitFrame(type, numLocal, local, numStack, stack);
  }

  @Override
  public void visitLabel(Label label) {
    enter();
    super.visitLabel(label);
  }
}

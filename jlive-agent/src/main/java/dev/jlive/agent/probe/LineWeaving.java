package dev.jlive.agent.probe;

import dev.jlive.agent.safepoint.BodySwitch;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.weave.IntConstants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Attribute;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.TypePath;

/**
 * Weaves a line probe: where the line's code starts, a call to the bridge with the receiver and the
 * values of the locals in scope, boxed into an array. The inserted code leaves the operand stack as
 * it found it and adds no branch, so the method's stack map frames stay valid.
 *
 * <p>Two things make this safe on any method, and each was once a {@code VerifyError}:
 *
 * <ul>
 *   <li>The call goes after the stack map frame at the line's offset, not before it. A line that
 *       starts where branches meet (after a try/catch, at a loop head) is a branch target, and the
 *       verifier wants the frame exactly there; code put between the label and the frame moves the
 *       frame off the target.
 *   <li>The slots of the locals are read from the method being woven, not from the class file the
 *       probe was planned on: after a patch the same names can live in other slots, and loading a
 *       {@code long} slot as an object is rejected. The method is buffered until its local variable
 *       table (which comes after the code) is known, then replayed. A local that is no longer in
 *       scope with the same type is passed as null; a line that no longer has code gets no call.
 * </ul>
 *
 * <p>The call goes where the line's code first starts, once per body: a method that a quiescent
 * patch merged ({@code safepoint.BodySwitch}) holds the old and the new body one after the other,
 * on the same lines, and either may run until the merged code is cleaned up. Woven only into the
 * first, the probe saw nothing from the switch's turn to the clean-up. The new body starts where
 * the switch jumps: {@code gateEnter(gate, Gates.SWITCH, 0)} then {@code ifnonnull}.
 *
 * <p>Type annotations on instructions and locals are not kept in the woven method: they are read by
 * tools from class files, never by the running code.
 */
final class LineWeaving extends OneMethodWeaving {
  private final LineTarget target;
  private final int slot;

  /**
   * True for a counting probe: the call passes the slot alone, like a method's counting advice, so
   * no local is boxed and nothing is allocated.
   */
  private final boolean countOnly;

  LineWeaving(LineTarget target, int slot, boolean countOnly) {
    super(target.methodName(), target.descriptor());
    this.target = target;
    this.slot = slot;
    this.countOnly = countOnly;
  }

  @Override
  MethodVisitor wrapMethod(MethodVisitor visitor, boolean constructor) {
    return new BufferedMethod(visitor, constructor);
  }

  /**
   * Records a method's code, finds the line and the locals' slots, then replays it with the call
   * inserted.
   */
  private final class BufferedMethod extends MethodVisitor {
    private final MethodVisitor out;
    private final boolean constructor;
    private final List<Consumer<MethodVisitor>> events = new ArrayList<>();

    /** Where a call goes: before event {@code event}, the line's first instruction. */
    private record Insertion(int event, int position) {}

    private final List<Insertion> insertions = new ArrayList<>();

    /** The line was seen in the current body (old or new, in a merged method). */
    private boolean lineSeen;

    /** A call is due before the next instruction: the line starts there. */
    private boolean callDue;

    private int instructions;

    /** The ints pushed by the last instructions, newest last, to recognise the switch call. */
    private final int[] pushed = new int[3];

    private int pushedCount;
    private boolean afterSwitchCall;

    /** Where the switch of a merged method jumps: the new body starts there. */
    private Label newBody;

    private final Map<Label, Integer> positions = new HashMap<>();
    private final List<Variable> variables = new ArrayList<>();

    private record Variable(String name, String descriptor, Label start, Label end, int slot) {}

    BufferedMethod(MethodVisitor out, boolean constructor) {
      super(Opcodes.ASM9, null);
      this.out = out;
      this.constructor = constructor;
    }

    private void record(Consumer<MethodVisitor> event) {
      events.add(event);
    }

    private void instruction(Consumer<MethodVisitor> event) {
      instruction(event, false);
    }

    /**
     * @param pushesAnInt the instruction pushed an int constant ({@link #pushed} has it)
     */
    private void instruction(Consumer<MethodVisitor> event, boolean pushesAnInt) {
      if (callDue) {
        insertions.add(new Insertion(events.size(), instructions));
        callDue = false;
      }
      if (!pushesAnInt) {
        pushedCount = 0;
      }
      afterSwitchCall = false;
      instructions++;
      events.add(event);
    }

    private void pushed(int value, Consumer<MethodVisitor> event) {
      System.arraycopy(pushed, 1, pushed, 0, pushed.length - 1);
      pushed[pushed.length - 1] = value;
      pushedCount = Math.min(pushedCount + 1, pushed.length);
      instruction(event, true);
    }

    /** True when the call asks a gate for its switch: {@code gateEnter(gate, SWITCH, 0)}. */
    private boolean isSwitchCall(String owner, String name, String descriptor) {
      return BodySwitch.isSwitchEntry(owner, name, descriptor)
          && pushedCount == pushed.length
          && pushed[1] == Gates.SWITCH;
    }

    @Override
    public void visitParameter(String name, int access) {
      out.visitParameter(name, access);
    }

    @Override
    public AnnotationVisitor visitAnnotationDefault() {
      return out.visitAnnotationDefault();
    }

    @Override
    public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
      return out.visitAnnotation(descriptor, visible);
    }

    @Override
    public AnnotationVisitor visitTypeAnnotation(
        int typeRef, TypePath typePath, String descriptor, boolean visible) {
      return out.visitTypeAnnotation(typeRef, typePath, descriptor, visible);
    }

    @Override
    public void visitAnnotableParameterCount(int parameterCount, boolean visible) {
      out.visitAnnotableParameterCount(parameterCount, visible);
    }

    @Override
    public AnnotationVisitor visitParameterAnnotation(
        int parameter, String descriptor, boolean visible) {
      return out.visitParameterAnnotation(parameter, descriptor, visible);
    }

    @Override
    public void visitAttribute(Attribute attribute) {
      out.visitAttribute(attribute);
    }

    @Override
    public void visitCode() {
      out.visitCode();
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
      // The class reader reuses its frame arrays for the next frame: keep copies.
      Object[] locals = local == null ? null : local.clone();
      Object[] stackCopy = stack == null ? null : stack.clone();
      record(mv -> mv.visitFrame(type, numLocal, locals, numStack, stackCopy));
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5) {
        pushed(opcode - Opcodes.ICONST_0, mv -> mv.visitInsn(opcode));
      } else {
        instruction(mv -> mv.visitInsn(opcode));
      }
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      if (opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH) {
        pushed(operand, mv -> mv.visitIntInsn(opcode, operand));
      } else {
        instruction(mv -> mv.visitIntInsn(opcode, operand));
      }
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      instruction(mv -> mv.visitVarInsn(opcode, varIndex));
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      instruction(mv -> mv.visitTypeInsn(opcode, type));
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      instruction(mv -> mv.visitFieldInsn(opcode, owner, name, descriptor));
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      boolean switchCall = isSwitchCall(owner, name, descriptor);
      instruction(mv -> mv.visitMethodInsn(opcode, owner, name, descriptor, isInterface));
      afterSwitchCall = switchCall;
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrap, Object... arguments) {
      Object[] argumentCopy = arguments.clone();
      instruction(mv -> mv.visitInvokeDynamicInsn(name, descriptor, bootstrap, argumentCopy));
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      if (afterSwitchCall && opcode == Opcodes.IFNONNULL && newBody == null) {
        newBody = label;
      }
      instruction(mv -> mv.visitJumpInsn(opcode, label));
    }

    @Override
    public void visitLabel(Label label) {
      if (label == newBody) {
        // The old body ended: the line gets a call in the new one too.
        lineSeen = false;
        callDue = false;
      }
      positions.put(label, instructions);
      record(mv -> mv.visitLabel(label));
    }

    @Override
    public void visitLdcInsn(Object value) {
      if (value instanceof Integer constant) {
        pushed(constant, mv -> mv.visitLdcInsn(value));
      } else {
        instruction(mv -> mv.visitLdcInsn(value));
      }
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      instruction(mv -> mv.visitIincInsn(varIndex, increment));
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      Label[] targets = labels.clone();
      instruction(mv -> mv.visitTableSwitchInsn(min, max, dflt, targets));
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      int[] keyCopy = keys.clone();
      Label[] targets = labels.clone();
      instruction(mv -> mv.visitLookupSwitchInsn(dflt, keyCopy, targets));
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      instruction(mv -> mv.visitMultiANewArrayInsn(descriptor, numDimensions));
    }

    @Override
    public AnnotationVisitor visitInsnAnnotation(
        int typeRef, TypePath typePath, String descriptor, boolean visible) {
      return null;
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      record(mv -> mv.visitTryCatchBlock(start, end, handler, type));
    }

    @Override
    public AnnotationVisitor visitTryCatchAnnotation(
        int typeRef, TypePath typePath, String descriptor, boolean visible) {
      return null;
    }

    @Override
    public void visitLocalVariable(
        String name, String descriptor, String signature, Label start, Label end, int index) {
      variables.add(new Variable(name, descriptor, start, end, index));
      record(mv -> mv.visitLocalVariable(name, descriptor, signature, start, end, index));
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(
        int typeRef,
        TypePath typePath,
        Label[] start,
        Label[] end,
        int[] index,
        String descriptor,
        boolean visible) {
      return null;
    }

    @Override
    public void visitLineNumber(int line, Label start) {
      if (line == target.line() && !lineSeen) {
        lineSeen = true;
        callDue = true;
      }
      record(mv -> mv.visitLineNumber(line, start));
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      record(mv -> mv.visitMaxs(maxStack, maxLocals));
    }

    @Override
    public void visitEnd() {
      int next = 0;
      for (int i = 0; i < events.size(); i++) {
        if (next < insertions.size() && insertions.get(next).event() == i) {
          emitCall(out, constructor, slotsAtLine(insertions.get(next).position()));
          next++;
        }
        events.get(i).accept(out);
      }
      out.visitEnd();
    }

    /**
     * For each local the probe expects, its slot in this method at the line's instruction {@code
     * linePosition}, or null when it is not there.
     */
    private Integer[] slotsAtLine(int linePosition) {
      Integer[] slots = new Integer[target.locals().size()];
      for (int i = 0; i < slots.length; i++) {
        LineTarget.Local wanted = target.locals().get(i);
        for (Variable variable : variables) {
          int start = positions.getOrDefault(variable.start(), Integer.MAX_VALUE);
          int end = positions.getOrDefault(variable.end(), -1);
          if (variable.name().equals(wanted.name())
              && variable.descriptor().equals(wanted.descriptor())
              && start <= linePosition
              && linePosition < end) {
            slots[i] = variable.slot();
          }
        }
      }
      return slots;
    }
  }

  private void emitCall(MethodVisitor mv, boolean constructor, Integer[] slots) {
    IntConstants.push(mv, slot);
    if (countOnly) {
      mv.visitMethodInsn(
          Opcodes.INVOKESTATIC, "dev/jlive/bridge/JLiveBridge", "timedEnter", "(I)J", false);
      mv.visitInsn(Opcodes.POP2);
      return;
    }
    if (target.isStatic() || constructor) {
      // In a constructor, this may not be initialised yet at the line.
      mv.visitInsn(Opcodes.ACONST_NULL);
    } else {
      mv.visitVarInsn(Opcodes.ALOAD, 0);
    }
    IntConstants.push(mv, target.locals().size());
    mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
    for (int index = 0; index < slots.length; index++) {
      if (slots[index] == null) {
        continue;
      }
      mv.visitInsn(Opcodes.DUP);
      IntConstants.push(mv, index);
      loadBoxed(mv, target.locals().get(index).descriptor(), slots[index]);
      mv.visitInsn(Opcodes.AASTORE);
    }
    mv.visitMethodInsn(
        Opcodes.INVOKESTATIC,
        "dev/jlive/bridge/JLiveBridge",
        "enter",
        "(ILjava/lang/Object;[Ljava/lang/Object;)J",
        false);
    mv.visitInsn(Opcodes.POP2);
  }

  private static void loadBoxed(MethodVisitor mv, String descriptor, int local) {
    switch (descriptor.charAt(0)) {
      case 'Z' -> box(mv, Opcodes.ILOAD, local, "java/lang/Boolean", "Z");
      case 'B' -> box(mv, Opcodes.ILOAD, local, "java/lang/Byte", "B");
      case 'C' -> box(mv, Opcodes.ILOAD, local, "java/lang/Character", "C");
      case 'S' -> box(mv, Opcodes.ILOAD, local, "java/lang/Short", "S");
      case 'I' -> box(mv, Opcodes.ILOAD, local, "java/lang/Integer", "I");
      case 'J' -> box(mv, Opcodes.LLOAD, local, "java/lang/Long", "J");
      case 'F' -> box(mv, Opcodes.FLOAD, local, "java/lang/Float", "F");
      case 'D' -> box(mv, Opcodes.DLOAD, local, "java/lang/Double", "D");
      default -> mv.visitVarInsn(Opcodes.ALOAD, local);
    }
  }

  private static void box(MethodVisitor mv, int load, int local, String owner, String primitive) {
    mv.visitVarInsn(load, local);
    mv.visitMethodInsn(
        Opcodes.INVOKESTATIC, owner, "valueOf", "(" + primitive + ")L" + owner + ";", false);
  }
}

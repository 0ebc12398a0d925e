package dev.jlive.agent.probe;

import dev.jlive.agent.weave.BeforeInstructions;
import dev.jlive.agent.weave.IntConstants;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves the part marks of a trace or a line profile into one method ({@link PartTimes}): for a
 * trace, {@code partEnter} before and {@code partExit} after each call the method makes; for a line
 * profile, {@code partEnter} where each line's code starts. Each mark pushes two ints and calls a
 * static method that returns nothing, so the stack is as it was, no local is added and no branch:
 * the method's stack map frames stay valid. A mark goes just before an instruction, after the frame
 * at its offset (a branch target keeps its frame where the verifier wants it).
 *
 * <p>The method's entry and exit are timed by the metrics advice woven beside it; the calls that
 * advice makes into the bridge are not parts. A method below the root of a deeper trace gets the
 * same marks around its calls, naming call sites instead of parts ({@link PartTimes#nested}), and
 * no advice: the call that reached it is timed by the level above.
 */
final class PartWeaving extends OneMethodWeaving {
  private static final String BRIDGE = "dev/jlive/bridge/JLiveBridge";

  private final int slot;
  private final PartTimes parts;
  private final boolean lines;

  /** The method, named as a key, when it is below a trace's root; null for the root. */
  private final String below;

  /**
   * @param lines true for a line profile, false for a trace of the calls
   */
  PartWeaving(String methodName, String descriptor, int slot, PartTimes parts, boolean lines) {
    this(methodName, descriptor, slot, parts, lines, null);
  }

  private PartWeaving(
      String methodName,
      String descriptor,
      int slot,
      PartTimes parts,
      boolean lines,
      String below) {
    super(methodName, descriptor);
    this.slot = slot;
    this.parts = parts;
    this.lines = lines;
    this.below = below;
  }

  /** The marks of a method below the root of a trace ({@link TraceCallees}). */
  static PartWeaving below(TraceCallees.Callee callee, int slot, PartTimes parts) {
    return new PartWeaving(
        callee.name(),
        callee.descriptor(),
        slot,
        parts,
        false,
        callee.display() + callee.descriptor());
  }

  @Override
  MethodVisitor wrapMethod(MethodVisitor visitor, boolean constructor) {
    return lines ? new LineMarks(visitor) : new CallMarks(visitor);
  }

  private void mark(MethodVisitor mv, String hook, int part) {
    IntConstants.push(mv, slot);
    IntConstants.push(mv, part);
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, hook, "(II)V", false);
  }

  /** A trace: each call the method makes, named by its callee and the line it is on. */
  private final class CallMarks extends MethodVisitor {
    private int line;

    CallMarks(MethodVisitor out) {
      super(Opcodes.ASM9, out);
    }

    @Override
    public void visitLineNumber(int number, Label start) {
      line = number;
      super.visitLineNumber(number, start);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String desc, boolean isInterface) {
      if (owner.equals(BRIDGE)) {
        super.visitMethodInsn(opcode, owner, name, desc, isInterface);
        return;
      }
      String simple = owner.substring(owner.lastIndexOf('/') + 1);
      int part =
          below == null
              ? parts.index(simple + "#" + name, line)
              : parts.nested(below, simple + "#" + name, line);
      mark(mv, "partEnter", part);
      super.visitMethodInsn(opcode, owner, name, desc, isInterface);
      mark(mv, "partExit", part);
    }
  }

  /** A line profile: where each line's code starts. */
  private final class LineMarks extends BeforeInstructions {
    /** The line whose first instruction comes next, or 0. */
    private int pending;

    LineMarks(MethodVisitor out) {
      super(out);
    }

    @Override
    public void visitLineNumber(int number, Label start) {
      pending = number;
      super.visitLineNumber(number, start);
    }

    @Override
    protected void beforeInstruction() {
      if (pending > 0) {
        mark(mv, "partEnter", parts.index("line " + pending, pending));
        pending = 0;
      }
    }
  }
}

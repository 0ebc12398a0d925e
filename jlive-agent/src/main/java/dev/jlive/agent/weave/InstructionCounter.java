package dev.jlive.agent.weave;

import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A method visitor that counts the instructions it has seen so far (labels, lines and frames are
 * not instructions): the position of the next one, for readers that locate labels or size a body.
 */
public class InstructionCounter extends MethodVisitor {
  private int instructions;

  public InstructionCounter() {
    super(Opcodes.ASM9);
  }

  /** How many instructions were visited so far. */
  protected final int instructions() {
    return instructions;
  }

  @Override
  public void visitInsn(int opcode) {
    instructions++;
  }

  @Override
  public void visitIntInsn(int opcode, int operand) {
    instructions++;
  }

  @Override
  public void visitVarInsn(int opcode, int varIndex) {
    instructions++;
  }

  @Override
  public void visitTypeInsn(int opcode, String type) {
    instructions++;
  }

  @Override
  public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
    instructions++;
  }

  @Override
  public void visitMethodInsn(
      int opcode, String owner, String name, String descriptor, boolean isInterface) {
    instructions++;
  }

  @Override
  public void visitInvokeDynamicInsn(
      String name, String descriptor, Handle bootstrap, Object... arguments) {
    instructions++;
  }

  @Override
  public void visitJumpInsn(int opcode, Label label) {
    instructions++;
  }

  @Override
  public void visitLdcInsn(Object value) {
    instructions++;
  }

  @Override
  public void visitIincInsn(int varIndex, int increment) {
    instructions++;
  }

  @Override
  public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
    instructions++;
  }

  @Override
  public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
    instructions++;
  }

  @Override
  public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
    instructions++;
  }
}

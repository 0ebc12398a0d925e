package dev.jlive.agent.safepoint;

import dev.jlive.bridge.JLiveBridge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Puts the old and the new body of each changed method into one method, behind a switch that the
 * gate turns: {@code if (JLiveBridge.gateEnter(gate, SWITCH, 0) != null) { new body } else { old
 * body }}. With the gate woven on top, one retransformation installs both the gate and the new
 * code, and the swap at the safe point is the switch, not a second retransformation.
 *
 * <p>The switch asks the gate through the existing {@code gateEnter} entry with a method index no
 * gated method has ({@link Gates#SWITCH}), so the bridge needs no new entry point: a JVM whose boot
 * loader kept the bridge of an older agent runs the merged code as well.
 *
 * <p>The two bodies share the parameters' local slots and nothing else: control never passes from
 * one to the other. Their stack map frames are read expanded (each one complete, not relative to
 * the one before), so that they stay valid when one body follows the other; the new body gets a
 * frame of its own at its start, the method's entry state, where the switch jumps to.
 */
public final class BodySwitch {
  private static final String BRIDGE = Type.getInternalName(JLiveBridge.class);
  private static final String SWITCH_NAME = "gateEnter";
  private static final String SWITCH_DESCRIPTOR = "(III)Ljava/lang/Object;";

  private BodySwitch() {}

  /**
   * @param methods the changed methods, as "name descriptor"; constructors and static initialisers
   *     cannot be switched (a constructor's body starts with the super call)
   * @return the old class with each named method running either body, or null when it cannot be
   *     made (a class file without stack map frames, a constructor among the methods): the caller
   *     then swaps by a second retransformation
   */
  public static byte[] merge(byte[] oldBytes, byte[] newBytes, Set<String> methods, int gate) {
    ClassReader oldReader = new ClassReader(oldBytes);
    if (oldReader.readUnsignedShort(6) < Opcodes.V1_7) {
      return null;
    }
    Map<String, MethodNode> replacements = methodNodes(new ClassReader(newBytes), methods);
    // The old class's constant pool is kept in its order, with the new bodies' constants after it:
    // the JVM matches a redefinition's pool against the running class's entry by entry, and a pool
    // written afresh in another order costs a search per entry (on H2's 174 KB Parser, 100-180 ms
    // against 6-15 ms). And the methods that do not change reach the writer straight from the
    // reader, which copies their bytes as they are: only the changed ones are read and written
    // instruction by instruction (docs/BENCHMARKS.md, section 61).
    ClassWriter writer = new ClassWriter(oldReader, 0);
    int[] merged = {0};
    boolean[] refused = {false};
    oldReader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          private String owner;

          @Override
          public void visit(
              int version,
              int access,
              String name,
              String signature,
              String superName,
              String[] interfaces) {
            owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
          }

          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            String key = name + " " + descriptor;
            if (!methods.contains(key)) {
              return super.visitMethod(access, name, descriptor, signature, exceptions);
            }
            MethodNode replacement = replacements.get(key);
            return new MethodNode(Opcodes.ASM9, access, name, descriptor, signature, exceptions) {
              @Override
              public void visitEnd() {
                if (replacement == null
                    || name.startsWith("<")
                    || instructions.size() == 0
                    || replacement.instructions.size() == 0) {
                  refused[0] = true;
                  return;
                }
                switched(owner, this, replacement, gate).accept(writer);
                merged[0]++;
              }
            };
          }
        },
        ClassReader.EXPAND_FRAMES);
    if (refused[0] || merged[0] != methods.size()) {
      return null;
    }
    return writer.toByteArray();
  }

  /** The named methods ("name descriptor") of a class, their frames expanded; no other is read. */
  private static Map<String, MethodNode> methodNodes(ClassReader reader, Set<String> methods) {
    Map<String, MethodNode> nodes = new HashMap<>();
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            String key = name + " " + descriptor;
            if (!methods.contains(key)) {
              return null;
            }
            MethodNode node = new MethodNode(access, name, descriptor, signature, exceptions);
            nodes.put(key, node);
            return node;
          }
        },
        ClassReader.EXPAND_FRAMES);
    return nodes;
  }

  /**
   * Whether a method call is the bridge entry the switch goes through ({@code gateEnter}): with
   * {@link Gates#SWITCH} as its second argument it is a merged method's switch, whose {@code
   * ifnonnull} jumps to the new body (how line probes find the second body).
   */
  public static boolean isSwitchEntry(String owner, String name, String descriptor) {
    return owner.equals(BRIDGE) && name.equals(SWITCH_NAME) && descriptor.equals(SWITCH_DESCRIPTOR);
  }

  private static MethodNode switched(
      String owner, MethodNode old, MethodNode replacement, int gate) {
    LabelNode newBody = new LabelNode(new Label());
    InsnList code = new InsnList();
    code.add(new LdcInsnNode(gate));
    code.add(new LdcInsnNode(Gates.SWITCH));
    code.add(new InsnNode(Opcodes.ICONST_0));
    code.add(
        new MethodInsnNode(Opcodes.INVOKESTATIC, BRIDGE, SWITCH_NAME, SWITCH_DESCRIPTOR, false));
    code.add(new JumpInsnNode(Opcodes.IFNONNULL, newBody));
    code.add(old.instructions);
    code.add(newBody);
    if (!startsWithFrame(replacement.instructions)) {
      code.add(entryFrame(owner, old));
    }
    code.add(replacement.instructions);
    old.instructions = code;
    old.tryCatchBlocks.addAll(replacement.tryCatchBlocks);
    if (replacement.localVariables != null) {
      if (old.localVariables == null) {
        old.localVariables = new ArrayList<>();
      }
      old.localVariables.addAll(replacement.localVariables);
    }
    // Type annotations on locals and instructions point into one body's labels; they are dropped
    // with the merged code, which lives only until the swap's clean-up.
    old.visibleLocalVariableAnnotations = null;
    old.invisibleLocalVariableAnnotations = null;
    old.maxStack = Math.max(Math.max(old.maxStack, replacement.maxStack), 3);
    old.maxLocals = Math.max(old.maxLocals, replacement.maxLocals);
    return old;
  }

  /** True when a frame comes before the first instruction: it already describes the entry. */
  private static boolean startsWithFrame(InsnList instructions) {
    for (AbstractInsnNode node = instructions.getFirst(); node != null; node = node.getNext()) {
      if (node instanceof FrameNode) {
        return true;
      }
      if (node.getOpcode() >= 0) {
        return false;
      }
    }
    return false;
  }

  /** The frame at a method's entry: {@code this} unless static, the parameters, an empty stack. */
  private static FrameNode entryFrame(String owner, MethodNode method) {
    List<Object> locals = new ArrayList<>();
    if ((method.access & Opcodes.ACC_STATIC) == 0) {
      locals.add(owner);
    }
    for (Type parameter : Type.getArgumentTypes(method.desc)) {
      locals.add(
          switch (parameter.getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.LONG -> Opcodes.LONG;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            default -> parameter.getInternalName();
          });
    }
    return new FrameNode(Opcodes.F_NEW, locals.size(), locals.toArray(), 0, new Object[0]);
  }
}

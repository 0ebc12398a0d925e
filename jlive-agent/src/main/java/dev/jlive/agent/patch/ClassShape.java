package dev.jlive.agent.patch;

import dev.jlive.agent.weave.MethodTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * What of a class the JVM lets a redefinition keep or change: its declaration, fields and methods
 * (which must stay), and each method's code (which may change) as text. Line numbers and local
 * variable names are left out of the texts, so moving code in the source does not count as changing
 * it.
 *
 * <p>The texts are compared as they are, not by a digest: a shape lives only while two classes are
 * compared, and a SHA-256 per method ran interpreted in a JVM's first patch (a tenth of its
 * samples, docs/BENCHMARKS.md section 60), where {@code String.equals} is exact and costs nothing.
 *
 * @param methods "name descriptor" to access flags
 * @param bodies "name descriptor" to the text of the instructions
 */
record ClassShape(
    String name,
    int access,
    String superName,
    List<String> interfaces,
    Map<String, Integer> fields,
    Map<String, Integer> methods,
    Map<String, String> bodies,
    int majorVersion) {

  /**
   * Access flags the JVM compares; ACC_SUPER and ACC_SYNCHRONIZED-like flags on the class are not
   * among them.
   */
  private static final int CLASS_FLAGS =
      Opcodes.ACC_PUBLIC
          | Opcodes.ACC_FINAL
          | Opcodes.ACC_INTERFACE
          | Opcodes.ACC_ABSTRACT
          | Opcodes.ACC_ANNOTATION
          | Opcodes.ACC_ENUM;

  private static final int MEMBER_FLAGS =
      0xFFFF & ~Opcodes.ACC_SYNTHETIC & ~0x1000 & ~Opcodes.ACC_DEPRECATED;

  /** The text of a body whose code is the same in both classes compared. */
  private static final String SAME_CODE = "(the same code)";

  /** The class file's major version, read from its header without parsing the rest. */
  static int majorVersion(byte[] classFile) {
    if (classFile.length < 8) {
      throw new IllegalArgumentException("not a class file: " + classFile.length + " bytes");
    }
    return ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF);
  }

  static ClassShape of(byte[] bytes) {
    return of(bytes, Set.of());
  }

  /**
   * The methods ("name descriptor") with the same code in both classes ({@link
   * MethodTable#sameCode}) over a constant pool and bootstrap methods the second one extends
   * ({@link MethodTable#poolExtends}): the same methods, known without writing their code as text.
   * A patch ASM made from the running class (a single-method patch, say), or a big class's patch
   * written with the running class's pool first ({@link PoolOrder}), leaves all but its changed
   * methods so; on a 174 KB class the texts of the others were most of the check
   * (docs/BENCHMARKS.md, section 61). None when the pool was written afresh, as javac writes it.
   */
  static Set<String> sameMethods(byte[] running, byte[] patched) {
    ClassReader older = new ClassReader(running);
    ClassReader newer = new ClassReader(patched);
    if (!MethodTable.poolExtends(older, running, newer, patched)) {
      return Set.of();
    }
    Map<String, MethodTable.Method> before = new HashMap<>();
    for (MethodTable.Method method : MethodTable.of(older)) {
      before.put(method.key(), method);
    }
    Set<String> same = new HashSet<>();
    char[] buffer = new char[Math.max(older.getMaxStringLength(), newer.getMaxStringLength())];
    for (MethodTable.Method after : MethodTable.of(newer)) {
      MethodTable.Method method = before.get(after.key());
      if (method != null
          && MethodTable.sameCode(older, running, method, newer, patched, after, buffer)) {
        same.add(after.key());
      }
    }
    return same;
  }

  /**
   * The class's shape; the methods named in {@code sameBodies} get a placeholder for their text,
   * the same in both classes of a {@link #sameMethods} pair.
   */
  static ClassShape of(byte[] bytes, Set<String> sameBodies) {
    ClassReader reader = new ClassReader(bytes);
    // Members sorted, so that refused differences read the same each time; bodies in declaration
    // order, so that
    // the changed methods are listed as the source has them.
    Map<String, Integer> fields = new TreeMap<>();
    Map<String, Integer> methods = new TreeMap<>();
    // In declaration order: a diff of two shapes lists changed bodies as the source reads.
    Map<String, String> bodies = new LinkedHashMap<>();
    String[] header = new String[2];
    int[] access = new int[1];
    List<String> interfaces = new ArrayList<>();
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public void visit(
              int version,
              int classAccess,
              String className,
              String signature,
              String superName,
              String[] ifaces) {
            header[0] = className;
            header[1] = superName;
            access[0] = classAccess & CLASS_FLAGS;
            interfaces.addAll(Arrays.asList(ifaces == null ? new String[0] : ifaces));
          }

          @Override
          public FieldVisitor visitField(
              int fieldAccess,
              String fieldName,
              String descriptor,
              String signature,
              Object value) {
            fields.put(fieldName + " " + descriptor, fieldAccess & MEMBER_FLAGS);
            return null;
          }

          @Override
          public MethodVisitor visitMethod(
              int methodAccess,
              String methodName,
              String descriptor,
              String signature,
              String[] exceptions) {
            String key = methodName + " " + descriptor;
            methods.put(key, methodAccess & MEMBER_FLAGS);
            if (sameBodies.contains(key)) {
              bodies.put(key, SAME_CODE);
              return null;
            }
            return new BodyText(text -> bodies.put(key, text));
          }
        },
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    int major = majorVersion(bytes);
    return new ClassShape(
        header[0].replace('/', '.'),
        access[0],
        header[1],
        List.copyOf(interfaces),
        fields,
        methods,
        bodies,
        major);
  }

  /** Writes every instruction, with its operands and labels by order of appearance, as text. */
  private static final class BodyText extends MethodVisitor {
    private final Consumer<String> done;
    private final StringBuilder text = new StringBuilder();
    private final Map<Label, Integer> labels = new HashMap<>();

    BodyText(Consumer<String> done) {
      super(Opcodes.ASM9);
      this.done = done;
    }

    private String label(Label label) {
      return "L" + labels.computeIfAbsent(label, l -> labels.size());
    }

    private void add(Object... parts) {
      for (Object part : parts) {
        text.append(part instanceof Label label ? label(label) : String.valueOf(part)).append(' ');
      }
      text.append('\n');
    }

    @Override
    public void visitInsn(int opcode) {
      add(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      add(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      add(opcode, varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      add(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      add(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      add(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrap, Object... arguments) {
      add("indy", name, descriptor, bootstrap, Arrays.deepToString(arguments));
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      add(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
      add("label", label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      add("ldc", value, value == null ? "" : value.getClass().getSimpleName());
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      add("iinc", varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
      add("tableswitch", min, max, dflt, Arrays.stream(targets).map(this::label).toList());
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
      add(
          "lookupswitch",
          dflt,
          Arrays.toString(keys),
          Arrays.stream(targets).map(this::label).toList());
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
      add("multianewarray", descriptor, dimensions);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      add("try", start, end, handler, type);
    }

    @Override
    public void visitEnd() {
      done.accept(text.toString());
    }
  }
}

package dev.jlive.agent.expression;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Proves from bytecode that an expression only reads, runs in bounded time and memory, and runs no
 * application code that was not itself checked.
 *
 * <p>The expression's method, and every application method it calls (on that method's
 * <em>running</em> bytes, up to {@link #MAX_DEPTH} calls deep), may: load and compare, read fields
 * (static ones only of initialised classes, so no static initialiser runs), cast, branch forwards,
 * and call (a) JDK methods on {@link JdkMethods}'s list, (b) application methods that no subclass
 * can replace (static, private, final, or of a final class), which are then checked the same way.
 * It may not: jump backwards (a loop), write a field or an array element, create an object or an
 * array, take a lock, call anything else (interfaces, overridable methods, other JDK methods),
 * concatenate a value whose {@code toString()} is not the JDK's own, or keep a computed object in a
 * local variable (so without loops no value can grow beyond the number of instructions times the
 * largest value it reads).
 *
 * <p>With every instruction run at most once per call (forward jumps, exception handlers after what
 * they cover), a bounded number of instructions, a bounded call depth and JDK methods linear in
 * their input, an accepted expression finishes in bounded time.
 */
final class ReadOnlyCheck {
  static final int MAX_DEPTH = 2;
  static final int MAX_EXPRESSION_INSTRUCTIONS = 1_000;
  static final int MAX_METHOD_INSTRUCTIONS = 400;
  static final int MAX_METHODS = 16;
  private static final String BRIDGE_PACKAGE = "dev/jlive/bridge/";

  private final ClassSource classes;
  private final Set<String> violations = new LinkedHashSet<>();
  private final Set<String> scanned = new HashSet<>();
  private final Map<Class<?>, ClassNodeInfo> infos = new HashMap<>();

  private ReadOnlyCheck(ClassSource classes) {
    this.classes = classes;
  }

  /**
   * What in the expression's class (its method {@code test}) is not provably read-only; empty when
   * it is.
   */
  static List<String> violations(byte[] expressionClass, ClassSource classes) {
    ReadOnlyCheck check = new ReadOnlyCheck(classes);
    new ClassReader(expressionClass)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access,
                  String name,
                  String descriptor,
                  String signature,
                  String[] exceptions) {
                return name.equals("test")
                    ? check.new Scanner("", 0, MAX_EXPRESSION_INSTRUCTIONS)
                    : null;
              }
            },
            ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return List.copyOf(check.violations);
  }

  static String display(String owner, String name, String descriptor) {
    StringJoiner parameters = new StringJoiner(", ", "(", ")");
    for (Type type : Type.getArgumentTypes(descriptor)) {
      parameters.add(type.getClassName());
    }
    return owner.replace('/', '.') + "." + name + parameters;
  }

  private final class Scanner extends MethodVisitor {
    /** Empty for the expression itself, else "calls com.acme.Order.total(), which ". */
    private final String where;

    private final int depth;
    private final int maxInstructions;
    private final Map<Label, Integer> positions = new HashMap<>();
    private final List<Label[]> handlers = new ArrayList<>();
    private final Set<Label> handlerStarts = new HashSet<>();
    private int instructions;
    private int previous = -1;
    private int beforePrevious = -1;
    private boolean previousIsString;
    private boolean previousIsSmallConstant;

    Scanner(String where, int depth, int maxInstructions) {
      super(Opcodes.ASM9);
      this.where = where;
      this.depth = depth;
      this.maxInstructions = maxInstructions;
    }

    private void refuse(String what) {
      violations.add(where + what);
    }

    /**
     * Every instruction passes here first; the previous two are kept for the few rules that need
     * them.
     */
    private void instruction(int opcode) {
      beforePrevious = previous;
      previous = opcode;
      previousIsString = false;
      previousIsSmallConstant = opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5;
      if (++instructions == maxInstructions + 1) {
        refuse("is longer than " + maxInstructions + " instructions");
      }
    }

    @Override
    public void visitLabel(Label label) {
      positions.put(label, instructions);
      // Where jumps meet, the instruction before in the code need not be what pushed the value. A
      // handler starts with the caught exception: an object that exists, not one computed here.
      previous = handlerStarts.contains(label) ? Opcodes.ALOAD : -1;
      beforePrevious = -1;
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      handlers.add(new Label[] {end, handler});
      handlerStarts.add(handler);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      instruction(opcode);
      if (opcode == Opcodes.JSR) {
        refuse("uses a subroutine (jsr)");
      }
      jumpTo(label);
    }

    private void jumpTo(Label label) {
      if (positions.containsKey(label)) {
        refuse("loops (jumps backwards), so its running time has no bound");
      }
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      instruction(Opcodes.TABLESWITCH);
      jumpTo(dflt);
      for (Label label : labels) {
        jumpTo(label);
      }
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      instruction(Opcodes.LOOKUPSWITCH);
      jumpTo(dflt);
      for (Label label : labels) {
        jumpTo(label);
      }
    }

    @Override
    public void visitInsn(int opcode) {
      instruction(opcode);
      if (opcode >= Opcodes.IASTORE && opcode <= Opcodes.SASTORE) {
        refuse("stores into an array");
      } else if (opcode == Opcodes.MONITORENTER || opcode == Opcodes.MONITOREXIT) {
        refuse("takes a lock");
      }
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      boolean small = previousIsSmallConstant;
      instruction(opcode);
      previousIsSmallConstant =
          (opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH) && operand >= 0 && operand <= 64;
      if (opcode == Opcodes.NEWARRAY) {
        newArray(small);
      }
    }

    /**
     * The expression creates no array; a called method may create a small one of constant size
     * (jlive's own probe advice does).
     */
    private void newArray(boolean constantSmallSize) {
      if (depth == 0 || !constantSmallSize) {
        refuse("creates an array");
      }
    }

    @Override
    public void visitVarInsn(int opcode, int variable) {
      int source = previous;
      int sourceOfCast = beforePrevious;
      instruction(opcode);
      if (opcode == Opcodes.RET) {
        refuse("uses a subroutine (ret)");
      }
      if (opcode == Opcodes.ASTORE
          && !isPlainValue(source)
          && !(source == Opcodes.CHECKCAST && isPlainValue(sourceOfCast))) {
        refuse(
            "keeps a computed object in a local variable, through which a value could grow without bound");
      }
    }

    /**
     * An instruction that pushes an object that already exists (or null), not one computed here.
     */
    private static boolean isPlainValue(int opcode) {
      return opcode == Opcodes.ALOAD
          || opcode == Opcodes.AALOAD
          || opcode == Opcodes.ACONST_NULL
          || opcode == Opcodes.LDC
          || opcode == Opcodes.GETFIELD
          || opcode == Opcodes.GETSTATIC;
    }

    @Override
    public void visitIincInsn(int variable, int increment) {
      instruction(Opcodes.IINC);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      boolean small = previousIsSmallConstant;
      instruction(opcode);
      if (opcode == Opcodes.NEW && !JdkMethods.mayCreate(type)) {
        refuse("creates a " + type.replace('/', '.'));
      } else if (opcode == Opcodes.ANEWARRAY) {
        newArray(small);
      }
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
      instruction(Opcodes.MULTIANEWARRAY);
      refuse("creates an array");
    }

    @Override
    public void visitLdcInsn(Object value) {
      instruction(Opcodes.LDC);
      previousIsString = value instanceof String;
      if (value instanceof ConstantDynamic || value instanceof Handle) {
        refuse("loads a dynamic constant");
      }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      instruction(opcode);
      if (opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC) {
        refuse("assigns the field " + owner.replace('/', '.') + "." + name);
      } else if (opcode == Opcodes.GETSTATIC && !JdkMethods.isValueType(owner)) {
        Class<?> type = classes.loaded(owner);
        if (type == null || !classes.isInitialised(type)) {
          refuse(
              "reads the static field "
                  + owner.replace('/', '.')
                  + "."
                  + name
                  + " of a class that is not initialised"
                  + " (reading it would run the class's static initialiser)");
        }
      }
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrap, Object... arguments) {
      instruction(Opcodes.INVOKEDYNAMIC);
      if (!bootstrap.getOwner().equals("java/lang/invoke/StringConcatFactory")) {
        refuse("uses a lambda or a dynamic call (" + bootstrap.getOwner().replace('/', '.') + ")");
        return;
      }
      for (Type part : Type.getArgumentTypes(descriptor)) {
        if (!JdkMethods.rendersSafely(part)) {
          refuse(
              "joins a "
                  + part.getClassName()
                  + " into a string, which calls its toString(), possibly application code"
                  + " (a template placeholder such as {name} renders any value safely)");
        }
      }
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      boolean literalArgument = previousIsString;
      instruction(opcode);
      if (depth > 0 && owner.startsWith(BRIDGE_PACKAGE)) {
        // jlive's own probe advice in a probed method: fenced and budgeted by its own probe.
        return;
      }
      String call = "calls " + display(owner, name, descriptor) + " ";
      if (owner.startsWith("[")) {
        refuse(call + "(copies an array)");
      } else if (JdkMethods.isJdk(owner)) {
        String refusal = JdkMethods.refusal(owner, name, descriptor, literalArgument, isInterface);
        if (refusal != null) {
          refuse(call + refusal);
        }
      } else {
        applicationCall(call, opcode, owner, name, descriptor, isInterface);
      }
    }

    private void applicationCall(
        String call,
        int opcode,
        String owner,
        String name,
        String descriptor,
        boolean isInterface) {
      if (isInterface) {
        refuse(
            call
                + "(an interface method: whichever class implements it, possibly unchecked application code, decides what runs)");
        return;
      }
      if (depth >= MAX_DEPTH) {
        refuse(call + "(application calls are checked " + MAX_DEPTH + " deep; this one is deeper)");
        return;
      }
      Class<?> type = classes.loaded(owner);
      if (type == null) {
        refuse(call + "(its class is not loaded, so its running code cannot be checked)");
        return;
      }
      Declaration found = declaration(type, name, descriptor);
      if (found == null) {
        refuse(call + "(its running code cannot be read)");
        return;
      }
      if (found.jdkOwner() != null) {
        if (!JdkMethods.isFinal(found.jdkOwner(), name, descriptor)) {
          refuse(
              call
                  + "(inherited from "
                  + found.jdkOwner().replace('/', '.')
                  + ", and a subclass may replace it with application code)");
        }
        return;
      }
      if ((found.access() & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
        refuse(call + "(abstract or native: there is no code to check)");
        return;
      }
      boolean exact =
          opcode == Opcodes.INVOKESTATIC
              || opcode == Opcodes.INVOKESPECIAL
              || (found.access() & (Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL)) != 0
              || Modifier.isFinal(type.getModifiers());
      if (!exact) {
        refuse(
            call
                + "(a subclass can override it, and subclasses loaded later cannot be checked now;"
                + " read the field instead, or make the method or its class final)");
        return;
      }
      if (opcode == Opcodes.INVOKESTATIC && !classes.isInitialised(found.type())) {
        refuse(
            call
                + "(its class "
                + found.type().getName()
                + " is not initialised: the call would run its static initialiser)");
        return;
      }
      String key = found.type().getName() + "." + name + descriptor;
      if (!scanned.add(key)) {
        return;
      }
      if (scanned.size() > MAX_METHODS) {
        refuse(call + "(more than " + MAX_METHODS + " application methods to check)");
        return;
      }
      String callee =
          "calls "
              + display(found.type().getName().replace('.', '/'), name, descriptor)
              + ", which ";
      new ClassReader(found.bytes())
          .accept(
              new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(
                    int access, String method, String desc, String signature, String[] exceptions) {
                  return method.equals(name) && desc.equals(descriptor)
                      ? new Scanner(where + callee, depth + 1, MAX_METHOD_INSTRUCTIONS)
                      : null;
                }
              },
              ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }

    @Override
    public void visitEnd() {
      for (Label[] handler : handlers) {
        Integer end = positions.get(handler[0]);
        Integer start = positions.get(handler[1]);
        if (end != null && start != null && start < end) {
          refuse("handles an exception by jumping back into what it guards (a loop)");
        }
      }
    }
  }

  /**
   * Where a method is declared: in an application class (its running bytes) or, inherited, in the
   * JDK.
   */
  private record Declaration(Class<?> type, byte[] bytes, int access, String jdkOwner) {}

  private record ClassNodeInfo(byte[] bytes, Map<String, Integer> methods) {}

  /**
   * The declaration a call to {@code name descriptor} on {@code start} resolves to, walking up the
   * superclasses.
   */
  private Declaration declaration(Class<?> start, String name, String descriptor) {
    for (Class<?> type = start; type != null; type = type.getSuperclass()) {
      String internalName = type.getName().replace('.', '/');
      if (JdkMethods.isJdk(internalName)) {
        return new Declaration(type, null, 0, internalName);
      }
      ClassNodeInfo info = info(type);
      if (info == null) {
        return null;
      }
      Integer access = info.methods().get(name + descriptor);
      if (access != null) {
        return new Declaration(type, info.bytes(), access, null);
      }
    }
    return null;
  }

  private ClassNodeInfo info(Class<?> type) {
    if (infos.containsKey(type)) {
      return infos.get(type);
    }
    byte[] bytes = classes.runningBytes(type);
    ClassNodeInfo info = null;
    if (bytes != null) {
      Map<String, Integer> methods = new HashMap<>();
      new ClassReader(bytes)
          .accept(
              new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(
                    int access,
                    String name,
                    String descriptor,
                    String signature,
                    String[] exceptions) {
                  methods.put(name + descriptor, access);
                  return null;
                }
              },
              ClassReader.SKIP_CODE);
      info = new ClassNodeInfo(bytes, methods);
    }
    infos.put(type, info);
    return info;
  }
}

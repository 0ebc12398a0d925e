package dev.jlive.agent.purity;

import dev.jlive.agent.expression.JdkMethods;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;

/**
 * The side-effect check of one method body: each instruction judged with the frame the data-flow
 * analysis computed before it, application calls followed into their callees.
 */
final class MethodScan {
  private static final String BRIDGE_PACKAGE = "dev/jlive/bridge/";

  private final SideEffectCheck.Search search;
  private final Class<?> type;
  private final ClassNode owner;
  private final MethodNode method;
  private final boolean[] fresh;
  private final List<String> via;
  private final int depth;
  private int line;

  MethodScan(
      SideEffectCheck.Search search,
      Class<?> type,
      ClassNode owner,
      MethodNode method,
      boolean[] fresh,
      List<String> via,
      int depth) {
    this.search = search;
    this.type = type;
    this.owner = owner;
    this.method = method;
    this.fresh = fresh;
    this.via = via;
    this.depth = depth;
  }

  private void find(String what) {
    search.add(
        new Finding(
            what,
            Names.dotted(owner.name),
            Names.method(method.name, method.desc),
            owner.sourceFile == null ? "?" : owner.sourceFile,
            line,
            via));
  }

  void run() {
    boolean isStatic = (method.access & Opcodes.ACC_STATIC) != 0;
    if ((method.access & Opcodes.ACC_NATIVE) != 0) {
      find("is native: its code cannot be checked");
      return;
    }
    if ((method.access & Opcodes.ACC_ABSTRACT) != 0 || method.instructions.size() == 0) {
      find("has no code to check (abstract)");
      return;
    }
    if ((method.access & Opcodes.ACC_SYNCHRONIZED) != 0 && (isStatic || !fresh[0])) {
      line = firstLine();
      find(
          "takes the lock of "
              + (isStatic ? "the class " + Names.simple(owner.name) : "this")
              + " (a synchronized method)");
    }
    Frame<Freshness.Value>[] frames;
    try {
      frames =
          new Analyzer<>(new Freshness(fresh, isStatic).forDescriptor(method.desc))
              .analyze(owner.name, method);
    } catch (AnalyzerException e) {
      line = 0;
      find("could not be analysed (" + e.getMessage() + ")");
      return;
    }
    line = 0;
    for (int i = 0; i < method.instructions.size(); i++) {
      AbstractInsnNode insn = method.instructions.get(i);
      if (insn instanceof LineNumberNode number) {
        line = number.line;
        continue;
      }
      Frame<Freshness.Value> frame = frames[i];
      if (frame == null || insn.getOpcode() < 0) {
        continue; // unreachable, or a label or frame
      }
      judge(insn, frame);
    }
  }

  private int firstLine() {
    for (AbstractInsnNode insn : method.instructions) {
      if (insn instanceof LineNumberNode number) {
        return number.line;
      }
    }
    return 0;
  }

  private static Freshness.Value fromTop(Frame<Freshness.Value> frame, int below) {
    return frame.getStack(frame.getStackSize() - 1 - below);
  }

  private void judge(AbstractInsnNode insn, Frame<Freshness.Value> frame) {
    int opcode = insn.getOpcode();
    switch (opcode) {
      case Opcodes.PUTFIELD -> {
        FieldInsnNode field = (FieldInsnNode) insn;
        if (!fromTop(frame, 1).fresh()) {
          find("writes field " + Names.field(field.owner, field.name));
        }
      }
      case Opcodes.PUTSTATIC -> {
        FieldInsnNode field = (FieldInsnNode) insn;
        find("writes static field " + Names.field(field.owner, field.name));
      }
      case Opcodes.IASTORE,
          Opcodes.LASTORE,
          Opcodes.FASTORE,
          Opcodes.DASTORE,
          Opcodes.AASTORE,
          Opcodes.BASTORE,
          Opcodes.CASTORE,
          Opcodes.SASTORE -> {
        Freshness.Value array = fromTop(frame, 2);
        if (!array.fresh()) {
          find(
              "writes an element of "
                  + (array.origin() == null
                      ? "an array it did not create"
                      : "the array " + array.origin()));
        }
      }
      case Opcodes.MONITORENTER -> {
        Freshness.Value lock = fromTop(frame, 0);
        if (!lock.fresh()) {
          find(
              "takes the lock of "
                  + (lock.origin() == null ? "an object it did not create" : lock.origin()));
        }
      }
      case Opcodes.INVOKEVIRTUAL,
          Opcodes.INVOKESPECIAL,
          Opcodes.INVOKESTATIC,
          Opcodes.INVOKEINTERFACE -> {
        MethodInsnNode call = (MethodInsnNode) insn;
        boolean[] made = arguments(frame, call);
        String exact = exactReceiver(frame, call);
        if (exact != null) {
          // The call made the receiver as this class: only that class's method can run.
          call(Opcodes.INVOKESPECIAL, exact, call.name, call.desc, false, made);
        } else {
          call(opcode, call.owner, call.name, call.desc, call.itf, made);
        }
      }
      case Opcodes.INVOKEDYNAMIC -> dynamic((InvokeDynamicInsnNode) insn, frame);
      case Opcodes.LDC -> {
        Object constant = ((LdcInsnNode) insn).cst;
        if (constant instanceof ConstantDynamic dynamic) {
          find(
              "loads a dynamic constant ("
                  + Names.dotted(dynamic.getBootstrapMethod().getOwner())
                  + "), which runs code jlive cannot follow");
        }
      }
      default -> {
        // Loads, arithmetic, branches, allocation, reads: they change nothing that existed.
      }
    }
  }

  /** Which of a call's arguments (the receiver first, for an instance call) this call made. */
  private static boolean[] arguments(Frame<Freshness.Value> frame, MethodInsnNode call) {
    int count = Type.getArgumentTypes(call.desc).length;
    boolean instance = call.getOpcode() != Opcodes.INVOKESTATIC;
    int total = count + (instance ? 1 : 0);
    boolean[] made = new boolean[total];
    for (int i = 0; i < total; i++) {
      made[i] = fromTop(frame, total - 1 - i).fresh();
    }
    return made;
  }

  /** The class the call made the receiver as, for a virtual or interface call; else null. */
  private static String exactReceiver(Frame<Freshness.Value> frame, MethodInsnNode call) {
    if (call.getOpcode() != Opcodes.INVOKEVIRTUAL && call.getOpcode() != Opcodes.INVOKEINTERFACE) {
      return null;
    }
    int count = Type.getArgumentTypes(call.desc).length;
    return fromTop(frame, count).exactType();
  }

  private void dynamic(InvokeDynamicInsnNode insn, Frame<Freshness.Value> frame) {
    String bootstrap = insn.bsm.getOwner();
    if (bootstrap.equals("java/lang/invoke/LambdaMetafactory")) {
      // Making a lambda changes nothing; calling it later is an interface call, judged there.
      return;
    }
    if (!bootstrap.equals("java/lang/invoke/StringConcatFactory")) {
      find(
          "uses invokedynamic ("
              + Names.dotted(bootstrap)
              + "."
              + insn.bsm.getName()
              + "), which jlive cannot follow");
      return;
    }
    // Joining a string calls toString() of each object joined: judged as that call.
    Type[] parts = Type.getArgumentTypes(insn.desc);
    for (int i = 0; i < parts.length; i++) {
      Type part = parts[i];
      if (part.getSort() != Type.OBJECT || JdkMethods.isValueType(part.getInternalName())) {
        continue;
      }
      boolean made = fromTop(frame, parts.length - 1 - i).fresh();
      Class<?> partType = loaded(part.getInternalName());
      boolean isInterface = partType != null && partType.isInterface();
      call(
          isInterface ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL,
          part.getInternalName(),
          "toString",
          "()Ljava/lang/String;",
          isInterface,
          new boolean[] {made});
    }
  }

  private Class<?> loaded(String internalName) {
    return code().find(internalName, type.getClassLoader());
  }

  private LoadedCode code() {
    return search.code();
  }

  private void call(
      int opcode,
      String callOwner,
      String name,
      String descriptor,
      boolean isInterface,
      boolean[] made) {
    if (callOwner.startsWith(BRIDGE_PACKAGE) || callOwner.startsWith("[")) {
      // jlive's own probe advice (fenced and budgeted by its probe), or an array's clone().
      return;
    }
    boolean receiverMade = opcode != Opcodes.INVOKESTATIC && made.length > 0 && made[0];
    if (JdkMethods.isJdk(callOwner)) {
      jdkCall(callOwner, name, descriptor, isInterface, receiverMade);
      return;
    }
    String shown = Names.dotted(callOwner) + "." + Names.method(name, descriptor);
    Class<?> target = loaded(callOwner);
    if (target == null) {
      find("calls " + shown + " (its class is not loaded, so its code cannot be checked)");
      return;
    }
    List<Class<?>> declarers = new ArrayList<>();
    Class<?> declared = declaring(target, name, descriptor);
    if (declared == null) {
      find("calls " + shown + " (its running code cannot be read)");
      return;
    }
    boolean inherited = JdkMethods.isJdk(declared.getName().replace('.', '/'));
    if (inherited) {
      // Declared in the JDK (toString of Object, say): the JDK list judges it.
      jdkCall(declared.getName().replace('.', '/'), name, descriptor, isInterface, receiverMade);
    } else if (!isAbstract(declared, name, descriptor)) {
      declarers.add(declared);
    }
    if (mayBeOverridden(opcode, target, declared, name, descriptor)) {
      for (Class<?> subtype : code().subtypes(target)) {
        ClassNode node = search.classOf(subtype);
        if (node == null) {
          if (!subtype.isInterface()) {
            find(
                "calls "
                    + shown
                    + ", which "
                    + subtype.getName()
                    + " may override, and its code cannot be read");
          }
          continue;
        }
        MethodNode override = SideEffectCheck.method(node, name, descriptor);
        if (override != null && (override.access & Opcodes.ACC_ABSTRACT) == 0) {
          declarers.add(subtype);
        }
      }
    }
    if (declarers.size() > SideEffectCheck.MAX_IMPLEMENTATIONS) {
      find(
          "calls "
              + shown
              + " ("
              + declarers.size()
              + " loaded classes implement it; the check follows at most "
              + SideEffectCheck.MAX_IMPLEMENTATIONS
              + ")");
      return;
    }
    for (Class<?> declarer : declarers) {
      follow(declarer, name, descriptor, made, shown);
    }
  }

  private void jdkCall(
      String callOwner, String name, String descriptor, boolean isInterface, boolean receiverMade) {
    String refusal = JdkMethods.sideEffect(callOwner, name, descriptor, isInterface, receiverMade);
    if (refusal != null) {
      find("calls " + Names.dotted(callOwner) + "." + name + " " + refusal);
    }
  }

  private void follow(
      Class<?> declarer, String name, String descriptor, boolean[] made, String shown) {
    String step =
        Names.simple(declarer.getName().replace('.', '/'))
            + "."
            + Names.method(name, descriptor)
            + " called at "
            + (line > 0
                ? (owner.sourceFile == null ? "?" : owner.sourceFile) + ":" + line
                : Names.simple(owner.name) + "." + method.name);
    if (depth + 1 > SideEffectCheck.MAX_DEPTH) {
      find(
          "calls "
              + shown
              + " (not checked: deeper than the bound of "
              + SideEffectCheck.MAX_DEPTH
              + " calls)");
      return;
    }
    if (!search.firstVisit(declarer, name, descriptor, made)) {
      return;
    }
    if (search.scannedCount() > SideEffectCheck.MAX_METHODS) {
      find(
          "calls "
              + shown
              + " (not checked: the check reads at most "
              + SideEffectCheck.MAX_METHODS
              + " methods)");
      return;
    }
    ClassNode node = search.classOf(declarer);
    MethodNode callee = node == null ? null : SideEffectCheck.method(node, name, descriptor);
    if (callee == null) {
      find("calls " + shown + " (its running code cannot be read)");
      return;
    }
    List<String> path = new ArrayList<>(via);
    path.add(step);
    new MethodScan(search, declarer, node, callee, made, List.copyOf(path), depth + 1).run();
  }

  /** The class, from {@code start} up, that declares the method; null when none can be read. */
  private Class<?> declaring(Class<?> start, String name, String descriptor) {
    for (Class<?> each = start; each != null; each = each.getSuperclass()) {
      if (JdkMethods.isJdk(each.getName().replace('.', '/'))) {
        return each;
      }
      ClassNode node = search.classOf(each);
      if (node == null) {
        return null;
      }
      if (SideEffectCheck.method(node, name, descriptor) != null) {
        return each;
      }
    }
    // An interface's method not declared on it (inherited from a super-interface): any declarer
    // among the loaded implementations is found by the override search.
    return start.isInterface() ? start : null;
  }

  private boolean isAbstract(Class<?> declared, String name, String descriptor) {
    ClassNode node = search.classOf(declared);
    MethodNode found = node == null ? null : SideEffectCheck.method(node, name, descriptor);
    return found == null || (found.access & Opcodes.ACC_ABSTRACT) != 0;
  }

  /** False when the call can only reach {@code declared}'s code. */
  private boolean mayBeOverridden(
      int opcode, Class<?> target, Class<?> declared, String name, String descriptor) {
    if (opcode == Opcodes.INVOKESTATIC || opcode == Opcodes.INVOKESPECIAL) {
      return false;
    }
    if (Modifier.isFinal(target.getModifiers())) {
      return false;
    }
    if (JdkMethods.isJdk(declared.getName().replace('.', '/'))) {
      // Inherited from the JDK: its class file is not read (retransforming java.lang.Object to
      // read it would be slow and pointless); any application override is a subtype's.
      return true;
    }
    ClassNode node = search.classOf(declared);
    MethodNode found = node == null ? null : SideEffectCheck.method(node, name, descriptor);
    return found == null || (found.access & (Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL)) == 0;
  }
}

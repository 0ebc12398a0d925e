package dev.jlive.agent.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The methods a trace deeper than one level weaves below its root ({@code --trace-depth N}): the
 * application methods the root calls, and theirs, down to level N-1, read from their class files. A
 * call through an interface or an overridable method may run any loaded implementation, so each one
 * is woven. JDK classes, the agent's own, constructors, native and abstract methods are left out:
 * their calls are timed as a whole by the level above.
 */
final class TraceCallees {
  /** The most methods one trace weaves below its root: each costs a retransformed class. */
  static final int MAX_METHODS = 128;

  /** A method woven below a trace's root. */
  record Callee(Class<?> type, String name, String descriptor) {
    String display() {
      return type.getName() + "#" + name;
    }

    boolean is(ClassLoader loader, String className) {
      return type.getClassLoader() == loader && type.getName().equals(className);
    }
  }

  /** A call in a method's code. */
  private record Call(int opcode, String owner, String name, String descriptor) {}

  private final Instrumentation instrumentation;
  private Class<?>[] loaded;

  private TraceCallees(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /** The methods to weave below the one method of a trace probe: none for other probes. */
  static List<Callee> of(
      Instrumentation instrumentation, ProbeSpec spec, ProbeTargets.Resolution resolution) {
    if (spec.kind() != ProbeSpec.Kind.TRACE
        || spec.traceDepth() <= 1
        || resolution.targets().isEmpty()) {
      return List.of();
    }
    ProbeTargets.Target target = resolution.targets().get(0);
    MethodDescription method = target.methods().get(0);
    return find(
        instrumentation,
        target.type(),
        method.getName(),
        method.getDescriptor(),
        spec.traceDepth(),
        spec.selector().toString());
  }

  /** Adds the callees' classes not in {@code classes} yet: retransformed to weave and unweave. */
  static void addClasses(List<Callee> callees, List<Class<?>> classes) {
    for (Callee callee : callees) {
      if (!classes.contains(callee.type())) {
        classes.add(callee.type());
      }
    }
  }

  /**
   * The methods to weave below {@code root} for a trace {@code depth} levels deep; none for depth
   * 1. Refuses a tree that would weave more than {@link #MAX_METHODS}.
   */
  static List<Callee> find(
      Instrumentation instrumentation,
      Class<?> type,
      String name,
      String descriptor,
      int depth,
      String selector) {
    Callee root = new Callee(type, name, descriptor);
    Set<Callee> found = new LinkedHashSet<>();
    TraceCallees finder = new TraceCallees(instrumentation);
    List<Callee> level = List.of(root);
    for (int woven = 1; woven < depth && !level.isEmpty(); woven++) {
      List<Callee> next = new ArrayList<>();
      for (Callee caller : level) {
        for (Call call : calls(caller)) {
          for (Callee callee : finder.resolve(caller.type().getClassLoader(), call)) {
            if (!callee.equals(root) && found.add(callee)) {
              next.add(callee);
            }
          }
        }
      }
      if (found.size() > MAX_METHODS) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "--trace-depth "
                + depth
                + " on "
                + selector
                + " would weave more than "
                + MAX_METHODS
                + " methods below it (the most one trace weaves): "
                + found.size()
                + " by level "
                + (woven + 1),
            "use a lower --trace-depth, or trace a method further down the call tree");
      }
      level = next;
    }
    return List.copyOf(found);
  }

  /** The calls in one method's code, read from its class file; none if it cannot be read. */
  private static List<Call> calls(Callee method) {
    byte[] bytes;
    try {
      bytes = ClassFileLocator.ForClassLoader.read(method.type());
    } catch (RuntimeException unreadable) {
      return List.of();
    }
    List<Call> calls = new ArrayList<>();
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String desc, String signature, String[] exceptions) {
                if (!name.equals(method.name()) || !desc.equals(method.descriptor())) {
                  return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String callee, String calleeDesc, boolean itf) {
                    calls.add(new Call(opcode, owner, callee, calleeDesc));
                  }
                };
              }
            },
            ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return calls;
  }

  /**
   * The application methods a call may run: the declaration it resolves to and, for a call that
   * dispatches on its receiver, the loaded subtypes' own declarations.
   */
  private List<Callee> resolve(ClassLoader loader, Call call) {
    if (call.name().startsWith("<") || call.owner().startsWith("[")) {
      return List.of();
    }
    Class<?> owner;
    try {
      owner = Class.forName(call.owner().replace('/', '.'), false, loader);
    } catch (ClassNotFoundException | LinkageError notVisible) {
      return List.of();
    }
    List<Callee> callees = new ArrayList<>();
    for (Class<?> type = owner; type != null; type = type.getSuperclass()) {
      Method declared = declared(type, call);
      if (declared != null) {
        add(callees, type, declared);
        break;
      }
    }
    boolean dispatches =
        call.opcode() == Opcodes.INVOKEVIRTUAL || call.opcode() == Opcodes.INVOKEINTERFACE;
    if (dispatches && !Modifier.isFinal(owner.getModifiers()) && !isJdkOrAgent(owner)) {
      for (Class<?> type : loaded()) {
        if (type != owner && owner.isAssignableFrom(type)) {
          Method declared = declared(type, call);
          if (declared != null) {
            add(callees, type, declared);
          }
        }
      }
    }
    return callees;
  }

  private void add(List<Callee> callees, Class<?> type, Method method) {
    int modifiers = method.getModifiers();
    if (!isJdkOrAgent(type)
        && !Modifier.isAbstract(modifiers)
        && !Modifier.isNative(modifiers)
        && instrumentation.isModifiableClass(type)) {
      callees.add(new Callee(type, method.getName(), Type.getMethodDescriptor(method)));
    }
  }

  private static Method declared(Class<?> type, Call call) {
    try {
      for (Method method : type.getDeclaredMethods()) {
        if (method.getName().equals(call.name())
            && Type.getMethodDescriptor(method).equals(call.descriptor())) {
          return method;
        }
      }
    } catch (LinkageError unresolvable) {
      // A class whose signatures name a missing class: its methods are not woven.
    }
    return null;
  }

  private Class<?>[] loaded() {
    if (loaded == null) {
      loaded = instrumentation.getAllLoadedClasses();
    }
    return loaded;
  }

  private static boolean isJdkOrAgent(Class<?> type) {
    return ProbeTargets.isJdk(type) || type.getClassLoader() == TraceCallees.class.getClassLoader();
  }
}

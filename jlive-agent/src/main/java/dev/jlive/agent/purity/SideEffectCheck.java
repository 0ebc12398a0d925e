package dev.jlive.agent.purity;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Decides from bytecode whether a method may run a second time on the same inputs without changing
 * anything that existed before the call: the guarantee a shadow run or an in-target replay needs
 * before it runs a method again.
 *
 * <p>A method passes when none of its instructions, nor those of any application method it calls,
 * writes a field, a static or an array element of an object it did not make itself (values are
 * followed through the frame by {@link Freshness}: what {@code new} or an array creation made is
 * the call's own), takes the lock of such an object (a {@code synchronized} method included), or
 * calls something that cannot be proven to change nothing: JDK methods pass only when {@link
 * dev.jlive.agent.expression.JdkMethods}, the list {@code --when} expressions are checked against,
 * allows them; I/O, reflection, native code and dynamic calls other than string concatenation and
 * lambda creation are refused by name. Application calls are followed on their running bytes (a
 * patched method as patched), {@link #MAX_DEPTH} deep and {@link #MAX_METHODS} methods in all; a
 * call that can reach overrides is followed into every loaded one (at most {@link
 * #MAX_IMPLEMENTATIONS}). Where a bound stops the search the call is refused, saying so: the answer
 * is never "repeatable" on a guess.
 *
 * <p>Not thread-safe: make one per request (it caches the classes it read).
 */
public final class SideEffectCheck {
  public static final int MAX_DEPTH = 8;
  public static final int MAX_METHODS = 200;
  public static final int MAX_IMPLEMENTATIONS = 8;
  public static final int MAX_FINDINGS = 20;

  private final LoadedCode code;
  private final Map<Class<?>, ClassNode> classes = new HashMap<>();

  private SideEffectCheck(LoadedCode code) {
    this.code = code;
  }

  public static SideEffectCheck of(LoadedCode code) {
    return new SideEffectCheck(code);
  }

  public static SideEffectCheck of(Instrumentation instrumentation) {
    return new SideEffectCheck(LoadedCode.of(instrumentation));
  }

  /**
   * The verdict on a method as it runs now.
   *
   * @param descriptor the JVM descriptor, e.g. {@code (JI)J}
   * @throws IllegalArgumentException when {@code owner} declares no such method
   */
  public Verdict check(Class<?> owner, String name, String descriptor) {
    return check(null, owner, name, descriptor);
  }

  /**
   * The verdict on a method of candidate bytes not installed (a patch under test): the candidate
   * class stands in for {@code runningOwner}, so calls to its other methods read the candidate's
   * code too; every other class is read as it runs.
   *
   * @param candidateClassBytes a class file for {@code runningOwner}'s class; null means the
   *     running bytes
   */
  public Verdict check(
      byte[] candidateClassBytes, Class<?> runningOwner, String name, String descriptor) {
    ClassNode owner =
        candidateClassBytes == null ? classNode(runningOwner) : read(candidateClassBytes);
    String display = runningOwner.getName() + "." + Names.method(name, descriptor);
    if (owner == null) {
      Finding unreadable =
          new Finding(
              "its running code cannot be read (the JVM does not allow retransforming "
                  + runningOwner.getName()
                  + ")",
              runningOwner.getName(),
              Names.method(name, descriptor),
              "?",
              0,
              List.of());
      return new Verdict(display, false, List.of(unreadable));
    }
    MethodNode method = method(owner, name, descriptor);
    if (method == null) {
      throw new IllegalArgumentException(
          runningOwner.getName()
              + " declares no method "
              + name
              + descriptor
              + "; `jlive methods PID "
              + runningOwner.getName()
              + "` lists its methods and descriptors");
    }
    Search search = new Search(runningOwner, owner);
    search.scan(runningOwner, owner, method, rootFreshness(method), List.of(), 0);
    List<Finding> findings = new ArrayList<>(search.findings.values());
    return new Verdict(display, findings.isEmpty(), findings);
  }

  /** At the root nothing is the call's own: every argument existed before it. */
  private static boolean[] rootFreshness(MethodNode method) {
    int arguments = org.objectweb.asm.Type.getArgumentTypes(method.desc).length;
    return new boolean[arguments + ((method.access & Opcodes.ACC_STATIC) == 0 ? 1 : 0)];
  }

  ClassNode classNode(Class<?> type) {
    if (classes.containsKey(type)) {
      return classes.get(type);
    }
    byte[] bytes = code.runningBytes(type);
    ClassNode node = bytes == null ? null : read(bytes);
    classes.put(type, node);
    return node;
  }

  private static ClassNode read(byte[] bytes) {
    ClassNode node = new ClassNode(Opcodes.ASM9);
    new ClassReader(bytes).accept(node, ClassReader.SKIP_FRAMES);
    return node;
  }

  static MethodNode method(ClassNode owner, String name, String descriptor) {
    for (MethodNode method : owner.methods) {
      if (method.name.equals(name) && method.desc.equals(descriptor)) {
        return method;
      }
    }
    return null;
  }

  /** One check's walk through the call graph: what was scanned and what was found. */
  final class Search {
    final Class<?> candidateOwner;
    final ClassNode candidate;
    final Map<String, Finding> findings = new LinkedHashMap<>();
    private final Set<String> scanned = new HashSet<>();

    Search(Class<?> candidateOwner, ClassNode candidate) {
      this.candidateOwner = candidateOwner;
      this.candidate = candidate;
    }

    void add(Finding finding) {
      if (findings.size() < MAX_FINDINGS) {
        findings.putIfAbsent(finding.describe(), finding);
      }
    }

    /** The class's code as this check reads it: the candidate for its own class. */
    ClassNode classOf(Class<?> type) {
      return type == candidateOwner ? candidate : classNode(type);
    }

    /** True the first time a method is reached with these fresh arguments, within the bound. */
    boolean firstVisit(Class<?> type, String name, String descriptor, boolean[] fresh) {
      StringBuilder key =
          new StringBuilder(type.getName()).append('.').append(name).append(descriptor);
      for (boolean each : fresh) {
        key.append(each ? '1' : '0');
      }
      return scanned.add(key.toString());
    }

    LoadedCode code() {
      return code;
    }

    int scannedCount() {
      return scanned.size();
    }

    void scan(
        Class<?> type,
        ClassNode owner,
        MethodNode method,
        boolean[] fresh,
        List<String> via,
        int depth) {
      firstVisit(type, method.name, method.desc, fresh);
      new MethodScan(this, type, owner, method, fresh, via, depth).run();
    }
  }
}

package dev.jlive.agent.probe;

import dev.jlive.agent.inspect.ClassLoaders;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.probe.MethodSelector;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Finds the loaded methods a selector names. Classes are described from their class files (with
 * debug information, for parameter names) rather than by reflection, which would load and link the
 * types in their signatures. Abstract and interface methods stand for their loaded implementations.
 */
final class ProbeTargets {
  /** A loaded class and the methods of it to weave into. */
  record Target(Class<?> type, List<MethodDescription> methods) {}

  /**
   * What the selector found: targets, the interfaces or abstract classes whose future subtypes also
   * count, and notes for the user when the code probed is not where the selector pointed (inherited
   * methods, default methods, compiler bridges).
   */
  record Resolution(List<Target> targets, List<String> supertypes, List<String> notes) {}

  private ProbeTargets() {}

  /** Classes of the JDK: the boot and platform loaders' (java.*, javax.*, jdk.*, sun.*). */
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  static Resolution resolve(
      Instrumentation instrumentation, MethodSelector selector, boolean allowJdk) {
    Class<?>[] loaded = instrumentation.getAllLoadedClasses();
    // In the order the JVM lists its classes, so the answer's class report is stable from call to
    // call.
    Map<Class<?>, List<MethodDescription>> found = new LinkedHashMap<>();
    List<String> supertypes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Class<?> type : loaded) {
      if (!ClassSearch.isVisible(type) || !selector.classes().matches(type.getName())) {
        continue;
      }
      TypeDescription description = describe(type);
      List<MethodDescription> concrete = new ArrayList<>();
      List<MethodDescription> bridges = new ArrayList<>();
      boolean abstractMatch = false;
      int refusedBefore = refused.size();
      for (MethodDescription method : description.getDeclaredMethods()) {
        if (!MethodMatch.matches(selector, method)) {
          continue;
        }
        if (method.isBridge()) {
          bridges.add(method);
        } else if (method.isNative()) {
          refused.add(type.getName() + "#" + method.getName() + " is native");
        } else if (method.isAbstract()) {
          abstractMatch = true;
        } else {
          concrete.add(method);
        }
      }
      for (MethodDescription bridge : bridges) {
        MethodDescription real = bridgeTarget(description, bridge);
        if (real != null) {
          if (!concrete.contains(real)) {
            concrete.add(real);
          }
          notes.add(
              type.getName()
                  + "#"
                  + display(bridge)
                  + " is a compiler bridge that calls "
                  + display(real)
                  + ": only "
                  + display(real)
                  + " is probed, so each call counts once");
        }
      }
      if (concrete.isEmpty()
          && !abstractMatch
          && bridges.isEmpty()
          && refused.size() == refusedBefore
          && selector.classes().isExact()) {
        abstractMatch =
            addInherited(instrumentation, type, selector, found, notes, allowJdk, refused);
      }
      if (!concrete.isEmpty() && isJdk(type) && !allowJdk) {
        refused.add(type.getName() + " is a JDK class, used by every library and by jlive itself");
      } else if (!concrete.isEmpty() && instrumentation.isModifiableClass(type)) {
        checkNotAmbiguous(selector, type, concrete);
        found.put(type, concrete);
      } else if (!concrete.isEmpty()) {
        refused.add(type.getName() + " cannot be changed by the JVM");
      }
      if (abstractMatch) {
        supertypes.add(type.getName());
        addImplementations(instrumentation, loaded, type, selector, found, allowJdk);
      }
    }
    if (found.isEmpty() && !refused.isEmpty() && supertypes.isEmpty()) {
      boolean jdk = refused.stream().anyMatch(reason -> reason.contains("JDK class"));
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "cannot probe " + selector + ": " + String.join("; ", refused),
          jdk
              ? "add --allow-jdk to probe it anyway (its probe then also sees the calls of every library, and log or capture "
                  + "probes must not be put on methods their own output uses), or probe an application method that calls it"
              : "probe a Java method that calls it instead");
    }
    List<Target> targets = new ArrayList<>();
    found.forEach((type, methods) -> targets.add(new Target(type, methods)));
    return new Resolution(targets, supertypes, notes);
  }

  /**
   * The method a bridge forwards to: the compiler writes a bridge ({@code compareTo(Object)}) next
   * to a generic or covariant method ({@code compareTo(Money)}) with the same name and arity, and
   * the bridge's only work is to call it. Probing both would count each call twice.
   */
  private static MethodDescription bridgeTarget(TypeDescription type, MethodDescription bridge) {
    MethodDescription only = null;
    for (MethodDescription candidate : type.getDeclaredMethods()) {
      if (!candidate.isBridge()
          && !candidate.isAbstract()
          && candidate.getName().equals(bridge.getName())
          && candidate.getParameters().size() == bridge.getParameters().size()
          && !candidate.isStatic()) {
        if (only != null) {
          return null;
        }
        only = candidate;
      }
    }
    return only;
  }

  /**
   * A method the named type inherits rather than declares: the code lives in a superclass, in a
   * default method of an interface, or nowhere yet (an abstract method of a super-interface, which
   * stands for its implementations like one declared in the type). Returns true in that last case.
   */
  private static boolean addInherited(
      Instrumentation instrumentation,
      Class<?> type,
      MethodSelector selector,
      Map<Class<?>, List<MethodDescription>> found,
      List<String> notes,
      boolean allowJdk,
      List<String> refused) {
    Inherited inherited = inherited(type, selector);
    if (inherited == null) {
      return false;
    }
    if (!inherited.methods().isEmpty() && isJdk(inherited.owner()) && !allowJdk) {
      refused.add(
          type.getName()
              + " inherits "
              + selector
              + " from the JDK class "
              + inherited.owner().getName());
      return false;
    }
    if (inherited.methods().isEmpty()) {
      notes.add(
          type.getName()
              + " inherits "
              + selector
              + " from "
              + inherited.owner().getName()
              + ": the probe is on the implementations of "
              + type.getName());
      return true;
    }
    if (!instrumentation.isModifiableClass(inherited.owner())) {
      return false;
    }
    found.merge(inherited.owner(), inherited.methods(), ProbeTargets::union);
    notes.add(
        type.getName()
            + " inherits "
            + selector
            + " from "
            + inherited.owner().getName()
            + ": the probe is on "
            + inherited.owner().getName()
            + ", so it also counts calls on its other subtypes that do not override it");
    return false;
  }

  /**
   * Where an inherited method's code is: the owner's concrete methods, or none when it is only
   * declared (abstract).
   */
  private record Inherited(Class<?> owner, List<MethodDescription> methods) {}

  /**
   * Superclasses first (their code runs before any default method), then interfaces breadth first.
   */
  private static Inherited inherited(Class<?> type, MethodSelector selector) {
    for (Class<?> superclass = type.getSuperclass();
        superclass != null;
        superclass = superclass.getSuperclass()) {
      Inherited here = declaredIn(superclass, selector);
      if (here != null) {
        return here;
      }
    }
    ArrayDeque<Class<?>> queue = new ArrayDeque<>();
    for (Class<?> current = type; current != null; current = current.getSuperclass()) {
      queue.addAll(List.of(current.getInterfaces()));
    }
    Set<Class<?>> seen = new HashSet<>();
    Inherited abstractOnly = null;
    while (!queue.isEmpty()) {
      Class<?> candidate = queue.poll();
      if (!seen.add(candidate)) {
        continue;
      }
      Inherited here = declaredIn(candidate, selector);
      if (here != null && !here.methods().isEmpty()) {
        return here;
      }
      if (here != null && abstractOnly == null) {
        abstractOnly = here;
      }
      queue.addAll(List.of(candidate.getInterfaces()));
    }
    return abstractOnly;
  }

  private static Inherited declaredIn(Class<?> owner, MethodSelector selector) {
    if (!ClassSearch.isVisible(owner)) {
      return null;
    }
    List<MethodDescription> concrete = new ArrayList<>();
    boolean declared = false;
    for (MethodDescription method : describe(owner).getDeclaredMethods()) {
      if (method.isConstructor()
          || method.isStatic()
          || method.isBridge()
          || method.isPrivate()
          || !MethodMatch.matches(selector, method)) {
        continue;
      }
      declared = true;
      if (!method.isAbstract() && !method.isNative()) {
        concrete.add(method);
      }
    }
    return declared ? new Inherited(owner, concrete) : null;
  }

  static boolean isJdk(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == PLATFORM;
  }

  private static List<MethodDescription> union(
      List<MethodDescription> a, List<MethodDescription> b) {
    List<MethodDescription> merged = new ArrayList<>(a);
    b.stream().filter(m -> !merged.contains(m)).forEach(merged::add);
    return merged;
  }

  /**
   * Loaded, concrete subtypes of an abstract type, with their own declarations of the selected
   * methods, or, when they inherit them, the superclass or default method whose code they run.
   */
  private static void addImplementations(
      Instrumentation instrumentation,
      Class<?>[] loaded,
      Class<?> supertype,
      MethodSelector selector,
      Map<Class<?>, List<MethodDescription>> found,
      boolean allowJdk) {
    for (Class<?> type : loaded) {
      if (type == supertype
          || type.isInterface()
          || Modifier.isAbstract(type.getModifiers())
          || !ClassSearch.isVisible(type)
          || !supertype.isAssignableFrom(type)
          || !instrumentation.isModifiableClass(type)
          || (isJdk(type) && !allowJdk)
          || Proxy.isProxyClass(type)) {
        // A JDK proxy's method only hands the call to its InvocationHandler: the call is counted
        // where
        // the code runs (the implementation the handler calls), not twice.
        continue;
      }
      List<MethodDescription> methods = new ArrayList<>();
      for (MethodDescription method : describe(type).getDeclaredMethods()) {
        if (!method.isAbstract()
            && !method.isNative()
            && !method.isBridge()
            && MethodMatch.matches(selector, method)) {
          methods.add(method);
        }
      }
      if (!methods.isEmpty()) {
        found.merge(type, methods, ProbeTargets::union);
        continue;
      }
      Inherited inherited = inherited(type, selector);
      if (inherited != null
          && !inherited.methods().isEmpty()
          && instrumentation.isModifiableClass(inherited.owner())
          && (allowJdk || !isJdk(inherited.owner()))) {
        found.merge(inherited.owner(), inherited.methods(), ProbeTargets::union);
      }
    }
  }

  private static void checkNotAmbiguous(
      MethodSelector selector, Class<?> type, List<MethodDescription> methods) {
    if (selector.namesOneMethodLoosely() && methods.size() > 1) {
      List<String> candidates = new ArrayList<>();
      for (MethodDescription method : methods) {
        candidates.add(type.getName() + "#" + display(method));
      }
      throw new JLiveException(
          ErrorCode.CONFLICT,
          selector + " matches " + methods.size() + " overloads: " + String.join(", ", candidates),
          "name one by its parameter types, e.g. "
              + candidates.get(0)
              + ", or use a wildcard ("
              + selector
              + "*) to probe them all");
    }
  }

  /**
   * Why a probe installed nowhere, and what to do: the JVM's own words (a {@code VerifyError} names
   * the method and the offset), and that nothing changed, since each class keeps its bytes.
   */
  static JLiveException notInstalled(MethodSelector selector, Map<Class<?>, String> failures) {
    List<String> reasons = new ArrayList<>();
    failures.forEach((type, why) -> reasons.add(type.getName() + ": " + why));
    String all = String.join("; ", reasons);
    String hint;
    if (all.contains("VerifyError")) {
      hint =
          "the woven code did not pass the JVM's verifier, so the probe was refused; the classes run as before and other changes "
              + "are unaffected. Probe the method at entry or exit instead (or another line), and report this message as a jlive bug";
    } else if (all.contains("too large") || all.contains("TooLarge")) {
      hint =
          "the method is too close to the JVM's 64 KB limit on a method's bytecode to take the probe; probe a method it calls";
    } else {
      hint = "nothing was changed; the classes run as before";
    }
    return new JLiveException(
        ErrorCode.INTERNAL_ERROR,
        "probe " + selector + " was refused, nothing changed: " + all,
        hint);
  }

  /**
   * A class as its class file describes it, debug information included; reflection when there is no
   * class file.
   */
  static TypeDescription describe(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    ClassFileLocator locator =
        loader == null
            ? ClassFileLocator.ForClassLoader.ofBootLoader()
            : ClassFileLocator.ForClassLoader.of(loader);
    TypePool pool =
        new TypePool.Default(
            new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.EXTENDED);
    TypePool.Resolution resolution = pool.describe(type.getName());
    return resolution.isResolved() ? resolution.resolve() : TypeDescription.ForLoadedType.of(type);
  }

  /**
   * Parameter names from the class file, or null when it has none (compiled without -g or
   * -parameters).
   */
  static List<String> parameterNames(MethodDescription method) {
    List<String> names = new ArrayList<>();
    for (ParameterDescription parameter : method.getParameters()) {
      if (!parameter.isNamed()) {
        return null;
      }
      names.add(parameter.getName());
    }
    return names;
  }

  /** {@code name(type,type)} as engineers write it. */
  static String display(MethodDescription method) {
    List<String> types = new ArrayList<>();
    method
        .getParameters()
        .asTypeList()
        .asErasures()
        .forEach(type -> types.add(type.getActualName()));
    return (method.isConstructor() ? "<init>" : method.getName())
        + "("
        + String.join(",", types)
        + ")";
  }

  static String loaderOf(Class<?> type) {
    return ClassLoaders.describe(type.getClassLoader());
  }
}

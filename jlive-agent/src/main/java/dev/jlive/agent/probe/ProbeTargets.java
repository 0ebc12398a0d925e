package dev.jlive.agent.probe;

import dev.jlive.agent.inspect.ClassLoaders;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Finds the loaded methods a selector names. Classes are described from their class files (with
 * debug information, for parameter names) rather than by reflection, which would load and link
 * the types in their signatures. Abstract and interface methods stand for their loaded
 * implementations.
 */
final class ProbeTargets {
  /** A loaded class and the methods of it to weave into. */
  record Target(Class<?> type, List<MethodDescription> methods) {}

  /** What the selector found: targets, and the interfaces or abstract classes whose future subtypes also count. */
  record Resolution(List<Target> targets, List<String> supertypes) {}

  private ProbeTargets() {}

  static Resolution resolve(Instrumentation instrumentation, MethodSelector selector) {
    Class<?>[] loaded = instrumentation.getAllLoadedClasses();
    Map<Class<?>, List<MethodDescription>> found = new LinkedHashMap<>();
    List<String> supertypes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Class<?> type : loaded) {
      if (!ClassSearch.isVisible(type) || !selector.classes().matches(type.getName())) {
        continue;
      }
      TypeDescription description = describe(type);
      List<MethodDescription> concrete = new ArrayList<>();
      boolean abstractMatch = false;
      for (MethodDescription method : description.getDeclaredMethods()) {
        if (!selector.matches(method)) {
          continue;
        }
        if (method.isNative()) {
          refused.add(type.getName() + "#" + method.getName() + " is native");
        } else if (method.isAbstract()) {
          abstractMatch = true;
        } else {
          concrete.add(method);
        }
      }
      if (!concrete.isEmpty() && instrumentation.isModifiableClass(type)) {
        checkNotAmbiguous(selector, type, concrete);
        found.put(type, concrete);
      } else if (!concrete.isEmpty()) {
        refused.add(type.getName() + " cannot be changed by the JVM");
      }
      if (abstractMatch) {
        supertypes.add(type.getName());
        addImplementations(instrumentation, loaded, type, selector, found);
      }
    }
    if (found.isEmpty() && !refused.isEmpty() && supertypes.isEmpty()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "cannot probe " + selector + ": " + String.join("; ", refused),
          "probe a Java method that calls it instead");
    }
    List<Target> targets = new ArrayList<>();
    found.forEach((type, methods) -> targets.add(new Target(type, methods)));
    return new Resolution(targets, supertypes);
  }

  /** Loaded, concrete subtypes of an abstract type, with their own declarations of the selected methods. */
  private static void addImplementations(Instrumentation instrumentation, Class<?>[] loaded, Class<?> supertype,
      MethodSelector selector, Map<Class<?>, List<MethodDescription>> found) {
    for (Class<?> type : loaded) {
      if (type == supertype || type.isInterface() || Modifier.isAbstract(type.getModifiers()) || !ClassSearch.isVisible(type)
          || !supertype.isAssignableFrom(type) || !instrumentation.isModifiableClass(type)) {
        continue;
      }
      List<MethodDescription> methods = new ArrayList<>();
      for (MethodDescription method : describe(type).getDeclaredMethods()) {
        if (!method.isAbstract() && !method.isNative() && !method.isBridge() && selector.matches(method)) {
          methods.add(method);
        }
      }
      if (!methods.isEmpty()) {
        found.merge(type, methods, (a, b) -> {
          List<MethodDescription> merged = new ArrayList<>(a);
          b.stream().filter(m -> !merged.contains(m)).forEach(merged::add);
          return merged;
        });
      }
    }
  }

  private static void checkNotAmbiguous(MethodSelector selector, Class<?> type, List<MethodDescription> methods) {
    if (selector.namesOneMethodLoosely() && methods.size() > 1) {
      List<String> candidates = new ArrayList<>();
      for (MethodDescription method : methods) {
        candidates.add(type.getName() + "#" + display(method));
      }
      throw new JLiveException(ErrorCode.CONFLICT, selector + " matches " + methods.size() + " overloads: "
          + String.join(", ", candidates), "name one by its parameter types, e.g. " + candidates.get(0)
          + ", or use a wildcard (" + selector + "*) to probe them all");
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
      hint = "the woven code did not pass the JVM's verifier, so the probe was refused; the classes run as before and other changes "
          + "are unaffected. Probe the method at entry or exit instead (or another line), and report this message as a jlive bug";
    } else if (all.contains("too large") || all.contains("TooLarge")) {
      hint = "the method is too close to the JVM's 64 KB limit on a method's bytecode to take the probe; probe a method it calls";
    } else {
      hint = "nothing was changed; the classes run as before";
    }
    return new JLiveException(ErrorCode.INTERNAL_ERROR, "probe " + selector + " was refused, nothing changed: " + all, hint);
  }

  /** A class as its class file describes it, debug information included; reflection when there is no class file. */
  static TypeDescription describe(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    ClassFileLocator locator = loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader);
    TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.EXTENDED);
    TypePool.Resolution resolution = pool.describe(type.getName());
    return resolution.isResolved() ? resolution.resolve() : TypeDescription.ForLoadedType.of(type);
  }

  /** Parameter names from the class file, or null when it has none (compiled without -g or -parameters). */
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
    method.getParameters().asTypeList().asErasures().forEach(type -> types.add(type.getActualName()));
    return (method.isConstructor() ? "<init>" : method.getName()) + "(" + String.join(",", types) + ")";
  }

  static String loaderOf(Class<?> type) {
    return ClassLoaders.describe(type.getClassLoader());
  }
}

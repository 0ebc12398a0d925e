package dev.jlive.agent.inspect;

import dev.jlive.protocol.inspect.ClassList;
import dev.jlive.protocol.inspect.LoadedClass;
import dev.jlive.protocol.probe.ClassPattern;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Modifier;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What {@code jlive classes} shows: loaded classes matching a pattern, with their loaders. */
public final class ClassSearch {
  private ClassSearch() {}

  public static ClassList find(Instrumentation instrumentation, String patternText, int limit) {
    ClassPattern pattern = ClassPattern.parse(patternText);
    List<Class<?>> matches = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (isVisible(type) && pattern.matches(type.getName())) {
        matches.add(type);
      }
    }
    matches.sort(
        Comparator.comparing((Class<?> type) -> type.getName())
            .thenComparing(type -> ClassLoaders.id(type.getClassLoader())));
    List<LoadedClass> classes = new ArrayList<>();
    for (Class<?> type : matches.subList(0, Math.min(limit, matches.size()))) {
      classes.add(
          new LoadedClass(
              type.getName(),
              ClassLoaders.describe(type.getClassLoader()),
              kind(type),
              source(type)));
    }
    return new ClassList(pattern.toString(), matches.size(), matches.size() > limit, classes);
  }

  /** Loaded class names close to {@code name}, to suggest when a name matched nothing. */
  public static List<String> similar(Instrumentation instrumentation, String name) {
    return SimilarNames.closest(instrumentation, name, 5);
  }

  /**
   * Arrays, primitives and hidden classes (lambdas, proxies) are not what an engineer looks for;
   * the agent's own classes are not part of the application.
   */
  public static boolean isVisible(Class<?> type) {
    if (type.isArray() || type.isPrimitive() || type.isHidden()) {
      return false;
    }
    ClassLoader loader = type.getClassLoader();
    ClassLoader agent = ClassSearch.class.getClassLoader();
    // Also loaders the agent made itself (Byte Buddy defines helpers in loaders of its own).
    if (loader == agent || (loader != null && loader.getClass().getClassLoader() == agent)) {
      return false;
    }
    // jlive's classes outside its loader: the launcher, which the system loader loads from the
    // agent's jar beside the application's classes, and the bridge on the boot class path. The
    // warm-up took the launcher's LaunchFailure$Refusal for the demo's own class.
    String name = type.getName();
    return !name.startsWith(LAUNCHER_PACKAGE) && !name.startsWith(BRIDGE_PACKAGE);
  }

  private static final String LAUNCHER_PACKAGE = "dev.jlive.agent.launcher.";
  private static final String BRIDGE_PACKAGE = "dev.jlive.bridge.";

  static String kind(Class<?> type) {
    if (type.isAnnotation()) {
      return "annotation";
    }
    if (type.isInterface()) {
      return "interface";
    }
    if (type.isEnum()) {
      return "enum";
    }
    if (type.isRecord()) {
      return "record";
    }
    return Modifier.isAbstract(type.getModifiers()) ? "abstract class" : "class";
  }

  private static String source(Class<?> type) {
    try {
      CodeSource source = type.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        return source.getLocation().toString();
      }
    } catch (SecurityException e) {
      return "";
    }
    Module module = type.getModule();
    return module.isNamed() ? "module " + module.getName() : "";
  }
}

package dev.jlive.agent.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

/**
 * What {@code jlive methods} shows: the declared methods and constructors of a loaded class, with
 * Java signatures and JVM descriptors (the names probes and patches use to pick an overload).
 */
public final class MethodListing {
  private MethodListing() {}

  public static Map<String, Object> list(Instrumentation instrumentation, String className, String loaderId) {
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getName().equals(className) && ClassSearch.isVisible(type)
          && (loaderId == null || ClassLoaders.id(type.getClassLoader()).equals(loaderId))) {
        candidates.add(type);
      }
    }
    if (candidates.isEmpty()) {
      throw notLoaded(instrumentation, className, loaderId);
    }
    List<Object> classes = new ArrayList<>();
    for (Class<?> type : candidates) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", type.getName());
      entry.put("loader", ClassLoaders.describe(type.getClassLoader()));
      entry.put("methods", methods(type));
      classes.add(entry);
    }
    return Map.of("classes", classes);
  }

  private static List<Object> methods(Class<?> type) {
    TypeDescription description;
    List<Object> methods = new ArrayList<>();
    try {
      description = TypeDescription.ForLoadedType.of(type);
      for (MethodDescription.InDefinedShape method : description.getDeclaredMethods()) {
        if (method.isTypeInitializer()) {
          continue;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", method.isConstructor() ? "<init>" : method.getName());
        entry.put("signature", javaSignature(method));
        entry.put("descriptor", method.getDescriptor());
        entry.put("modifiers", Modifier.toString(method.getModifiers() & Modifier.methodModifiers()));
        entry.put("synthetic", method.isSynthetic());
        methods.add(entry);
      }
    } catch (LinkageError e) {
      throw new JLiveException(ErrorCode.CLASS_NOT_FOUND,
          "cannot list the methods of " + type.getName() + ": a type in a signature cannot be loaded (" + e + ")",
          "the class refers to a class missing at run time; its methods can still be named by descriptor");
    }
    return methods;
  }

  private static String javaSignature(MethodDescription method) {
    StringBuilder out = new StringBuilder();
    if (!method.isConstructor()) {
      out.append(method.getReturnType().asErasure().getActualName()).append(' ');
    }
    out.append(method.isConstructor() ? method.getDeclaringType().asErasure().getSimpleName() : method.getName()).append('(');
    List<String> parameters = new ArrayList<>();
    method.getParameters().asTypeList().asErasures().forEach(parameter -> parameters.add(parameter.getActualName()));
    return out.append(String.join(",", parameters)).append(')').toString();
  }

  private static JLiveException notLoaded(Instrumentation instrumentation, String className, String loaderId) {
    if (loaderId != null) {
      return new JLiveException(ErrorCode.CLASS_NOT_FOUND,
          "class " + className + " is not loaded by class loader " + loaderId,
          "run `jlive classes <pid> " + className + "` to see which loaders have it");
    }
    List<String> similar = SimilarNames.closest(instrumentation, className, 5);
    return new JLiveException(ErrorCode.CLASS_NOT_FOUND, "class " + className + " is not loaded in this JVM",
        similar.isEmpty()
            ? "check the name (fully qualified, nested classes as Outer$Inner); it may not be loaded yet"
            : "did you mean " + String.join(", ", similar) + "?");
  }
}

package dev.jlive.agent.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.inspect.ClassMethods;
import dev.jlive.protocol.inspect.MethodInfo;
import dev.jlive.protocol.inspect.MethodList;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

/**
 * What {@code jlive methods} shows: the declared methods and constructors of a loaded class, with
 * Java signatures and JVM descriptors (the names probes and patches use to pick an overload).
 */
public final class MethodListing {
  private MethodListing() {}

  public static MethodList list(
      Instrumentation instrumentation, String className, String loaderId) {
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getName().equals(className)
          && ClassSearch.isVisible(type)
          && (loaderId == null || ClassLoaders.id(type.getClassLoader()).equals(loaderId))) {
        candidates.add(type);
      }
    }
    if (candidates.isEmpty()) {
      throw notLoaded(instrumentation, className, loaderId);
    }
    List<ClassMethods> classes = new ArrayList<>();
    for (Class<?> type : candidates) {
      classes.add(
          new ClassMethods(
              type.getName(), ClassLoaders.describe(type.getClassLoader()), methods(type)));
    }
    return new MethodList(classes);
  }

  private static List<MethodInfo> methods(Class<?> type) {
    TypeDescription description;
    List<MethodInfo> methods = new ArrayList<>();
    try {
      description = TypeDescription.ForLoadedType.of(type);
      for (MethodDescription.InDefinedShape method : description.getDeclaredMethods()) {
        if (method.isTypeInitializer()) {
          continue;
        }
        methods.add(
            new MethodInfo(
                method.isConstructor() ? "<init>" : method.getName(),
                javaSignature(method),
                method.getDescriptor(),
                Modifier.toString(method.getModifiers() & Modifier.methodModifiers()),
                method.isSynthetic()));
      }
    } catch (LinkageError e) {
      throw new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "cannot list the methods of "
              + type.getName()
              + ": a type in a signature cannot be loaded ("
              + e
              + ")",
          "the class refers to a class missing at run time; its methods can still be named by descriptor");
    }
    return methods;
  }

  private static String javaSignature(MethodDescription method) {
    StringBuilder out = new StringBuilder();
    if (!method.isConstructor()) {
      out.append(method.getReturnType().asErasure().getActualName()).append(' ');
    }
    out.append(
            method.isConstructor()
                ? method.getDeclaringType().asErasure().getSimpleName()
                : method.getName())
        .append('(');
    List<String> parameters = new ArrayList<>();
    method
        .getParameters()
        .asTypeList()
        .asErasures()
        .forEach(parameter -> parameters.add(parameter.getActualName()));
    return out.append(String.join(",", parameters)).append(')').toString();
  }

  private static JLiveException notLoaded(
      Instrumentation instrumentation, String className, String loaderId) {
    if (loaderId != null) {
      return new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "class " + className + " is not loaded by class loader " + loaderId,
          "run `jlive classes <pid> " + className + "` to see which loaders have it");
    }
    List<String> similar = SimilarNames.closest(instrumentation, className, 5);
    return new JLiveException(
        ErrorCode.CLASS_NOT_FOUND,
        "class " + className + " is not loaded in this JVM",
        similar.isEmpty()
            ? "check the name (fully qualified, nested classes as Outer$Inner); it may not be loaded yet"
            : "did you mean " + String.join(", ", similar) + "?");
  }
}

package dev.jlive.agent.purity;

import dev.jlive.agent.inspect.ClassLoaders;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Type;

/**
 * The endpoint's side-effect check ({@code GET /v1/side-effects}): the verdict on every overload of
 * a method name of a loaded class, or on the one with the descriptor given.
 */
public final class SideEffectAnswer {
  private SideEffectAnswer() {}

  public static Map<String, Object> check(
      Instrumentation instrumentation,
      String className,
      String methodName,
      String descriptor,
      String loaderId) {
    Class<?> owner = loaded(instrumentation, className, loaderId);
    List<String> descriptors = descriptors(owner, methodName);
    if (descriptor != null) {
      if (!descriptors.contains(descriptor)) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            className + " declares no method " + methodName + descriptor,
            "`jlive methods PID " + className + "` lists its methods and their descriptors");
      }
      descriptors = List.of(descriptor);
    }
    if (descriptors.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          className + " declares no method named " + methodName,
          "`jlive methods PID " + className + "` lists its methods");
    }
    SideEffectCheck check = SideEffectCheck.of(instrumentation);
    List<Object> verdicts = new ArrayList<>();
    boolean repeatable = true;
    for (String each : descriptors) {
      Verdict verdict = check.check(owner, methodName, each);
      repeatable &= verdict.repeatable();
      Map<String, Object> json = verdict.toJson();
      json.put("descriptor", each);
      verdicts.add(json);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("class", className);
    answer.put("loader", ClassLoaders.describe(owner.getClassLoader()));
    answer.put("repeatable", repeatable);
    answer.put("verdicts", verdicts);
    return answer;
  }

  private static Class<?> loaded(Instrumentation instrumentation, String name, String loaderId) {
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getName().equals(name)
          && ClassSearch.isVisible(type)
          && (loaderId == null || ClassLoaders.id(type.getClassLoader()).equals(loaderId))) {
        return type;
      }
    }
    throw new JLiveException(
        ErrorCode.CLASS_NOT_FOUND,
        "class " + name + " is not loaded",
        "`jlive classes PID PATTERN` lists loaded classes");
  }

  private static List<String> descriptors(Class<?> owner, String name) {
    List<String> found = new ArrayList<>();
    if (name.equals("<init>")) {
      for (Constructor<?> constructor : owner.getDeclaredConstructors()) {
        found.add(Type.getConstructorDescriptor(constructor));
      }
      return found;
    }
    for (Method method : owner.getDeclaredMethods()) {
      if (method.getName().equals(name) && !method.isSynthetic()) {
        found.add(Type.getMethodDescriptor(method));
      }
    }
    return found;
  }
}

package dev.jlive.agent.patch;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.lang.reflect.Method;
import java.util.function.BooleanSupplier;

/**
 * An application's own safe-point check: a class implementing {@code dev.jlive.api.SafepointCheck}
 * from the small jlive-api artifact. The agent does not share that interface with the application
 * (it lives in the application's class loader), so it finds the class and its method by name.
 */
final class SafepointChecks {
  static final String INTERFACE = "dev.jlive.api.SafepointCheck";

  private SafepointChecks() {}

  static BooleanSupplier instantiate(String className, ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "--check-class " + className + " cannot be loaded by the patched class's loader: " + e,
          "give the name of a class of the application");
    }
    if (!implementsCheck(type)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          className + " does not implement " + INTERFACE,
          "implement it (artifact dev.jlive:jlive-api) with a public no-argument constructor");
    }
    Object check;
    Method isSafe;
    try {
      check = type.getConstructor().newInstance();
      isSafe = type.getMethod("isSafe");
    } catch (ReflectiveOperationException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          className + " cannot be created: " + e,
          "give it a public no-argument constructor");
    }
    return () -> {
      try {
        return (boolean) isSafe.invoke(check);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // A failing check never lets a patch through.
        return false;
      }
    };
  }

  private static boolean implementsCheck(Class<?> type) {
    for (Class<?> current = type; current != null; current = current.getSuperclass()) {
      for (Class<?> implemented : current.getInterfaces()) {
        if (implemented.getName().equals(INTERFACE)) {
          return true;
        }
      }
    }
    return false;
  }
}

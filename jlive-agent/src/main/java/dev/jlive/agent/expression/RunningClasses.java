package dev.jlive.agent.expression;

import dev.jlive.agent.weave.ClassBytes;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;

/**
 * The running application as the JVM has it: loaded classes found without loading any (a class
 * loader is application code), their current bytes read back through a retransformation (so a
 * patched method is checked as patched, not as its class file on disk says), and whether a class is
 * initialised, from the JVM's own {@code Unsafe.shouldBeInitialized}.
 */
final class RunningClasses implements ClassSource {
  private static volatile MethodHandle shouldBeInitialized;

  private final Instrumentation instrumentation;
  private final Class<?> target;
  private final ClassLoader loader;
  private final Map<Class<?>, byte[]> bytes = new HashMap<>();
  private Map<String, Class<?>> visible;

  /**
   * @param target the probed class: its expressions run inside its methods, so after its
   *     initialiser began
   */
  RunningClasses(Instrumentation instrumentation, Class<?> target) {
    this.instrumentation = instrumentation;
    this.target = target;
    this.loader = target.getClassLoader();
  }

  @Override
  public Class<?> loaded(String internalName) {
    if (visible == null) {
      visible = new HashMap<>();
      for (ClassLoader each = loader; each != null; each = each.getParent()) {
        for (Class<?> type : instrumentation.getInitiatedClasses(each)) {
          visible.putIfAbsent(type.getName(), type);
        }
      }
      for (Class<?> type : instrumentation.getInitiatedClasses(null)) {
        visible.putIfAbsent(type.getName(), type);
      }
    }
    return visible.get(internalName.replace('/', '.'));
  }

  @Override
  public byte[] runningBytes(Class<?> type) {
    return bytes.computeIfAbsent(
        type,
        key -> {
          try {
            return ClassBytes.current(instrumentation, key);
          } catch (Exception | LinkageError e) {
            return null;
          }
        });
  }

  @Override
  public boolean isInitialised(Class<?> type) {
    if (type == target) {
      return true;
    }
    try {
      return !(boolean) shouldBeInitialized().invokeExact(type);
    } catch (Throwable unknown) {
      // Without the answer, assume the worst: touching it would run its static initialiser.
      return false;
    }
  }

  private static MethodHandle shouldBeInitialized() throws ReflectiveOperationException {
    MethodHandle handle = shouldBeInitialized;
    if (handle == null) {
      MethodHandles.Lookup trusted = NestmateLookup.in(Object.class);
      Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
      Object unsafe;
      try {
        unsafe =
            trusted.findStatic(unsafeType, "getUnsafe", MethodType.methodType(unsafeType)).invoke();
      } catch (Throwable e) {
        throw new ReflectiveOperationException(e);
      }
      handle =
          trusted
              .findVirtual(
                  unsafeType,
                  "shouldBeInitialized",
                  MethodType.methodType(boolean.class, Class.class))
              .bindTo(unsafe);
      shouldBeInitialized = handle;
    }
    return handle;
  }
}

package dev.jlive.agent.purity;

import dev.jlive.agent.weave.ClassBytes;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running JVM through {@link Instrumentation}: classes a loader has seen (never loading one),
 * running bytes read back by a retransformation (so a patched method is checked as patched). One
 * instance serves one check; it caches what it read.
 */
final class InstrumentedCode implements LoadedCode {
  private final Instrumentation instrumentation;
  private final IdentityHashMap<ClassLoader, Map<String, Class<?>>> visible =
      new IdentityHashMap<>();
  private final Map<Class<?>, byte[]> bytes = new HashMap<>();
  private Class<?>[] all;

  InstrumentedCode(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  @Override
  public Class<?> find(String internalName, ClassLoader context) {
    Map<String, Class<?>> seen =
        visible.computeIfAbsent(
            context,
            loader -> {
              Map<String, Class<?>> names = new HashMap<>();
              for (ClassLoader each = loader; each != null; each = each.getParent()) {
                for (Class<?> type : instrumentation.getInitiatedClasses(each)) {
                  names.putIfAbsent(type.getName(), type);
                }
              }
              for (Class<?> type : instrumentation.getInitiatedClasses(null)) {
                names.putIfAbsent(type.getName(), type);
              }
              return names;
            });
    return seen.get(internalName.replace('/', '.'));
  }

  @Override
  public byte[] runningBytes(Class<?> type) {
    return bytes.computeIfAbsent(
        type,
        key -> {
          if (!instrumentation.isModifiableClass(key)) {
            return null;
          }
          try {
            return ClassBytes.current(instrumentation, key);
          } catch (Exception | LinkageError e) {
            return null;
          }
        });
  }

  @Override
  public List<Class<?>> subtypes(Class<?> type) {
    if (all == null) {
      all = instrumentation.getAllLoadedClasses();
    }
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> each : all) {
      if (each != type && type.isAssignableFrom(each)) {
        found.add(each);
      }
    }
    return found;
  }
}

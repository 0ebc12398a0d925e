package dev.jlive.agent.expression;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

/**
 * A lookup with full privileges in an application class, which {@code defineHiddenClass} needs to
 * add a nestmate to it.
 *
 * <p>{@code MethodHandles.privateLookupIn} does not suffice: from another module (the agent's
 * loader is one) it drops module access. The JVM's own trusted lookup has it; the agent reaches it
 * by opening {@code java.lang.invoke} to its own module alone, with its {@code Instrumentation},
 * the same way it defines the bridge. Nothing is opened to the application.
 */
final class NestmateLookup {
  private static volatile MethodHandles.Lookup trusted;
  private static volatile Instrumentation instrumentation;

  private NestmateLookup() {}

  static void initialise(Instrumentation agentInstrumentation) {
    instrumentation = agentInstrumentation;
    trusted = null;
  }

  /** The agent's Instrumentation, or null before {@link #initialise}. */
  static Instrumentation instrumentation() {
    return instrumentation;
  }

  static MethodHandles.Lookup in(Class<?> target) throws ReflectiveOperationException {
    return trusted().in(target);
  }

  private static MethodHandles.Lookup trusted() throws ReflectiveOperationException {
    MethodHandles.Lookup lookup = trusted;
    if (lookup == null) {
      Instrumentation inst = instrumentation;
      if (inst == null) {
        throw new IllegalStateException("the agent has not initialised expressions");
      }
      Module javaBase = Object.class.getModule();
      inst.redefineModule(
          javaBase,
          Set.of(),
          Map.of(),
          Map.of("java.lang.invoke", Set.of(NestmateLookup.class.getModule())),
          Set.of(),
          Map.of());
      Field field = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
      field.setAccessible(true);
      lookup = (MethodHandles.Lookup) field.get(null);
      trusted = lookup;
    }
    return lookup;
  }
}

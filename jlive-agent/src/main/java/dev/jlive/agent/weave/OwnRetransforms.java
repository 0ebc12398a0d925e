package dev.jlive.agent.weave;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;

/**
 * Marks the retransformations jlive asks for itself. The JVM calls the transformer on the thread
 * that asked, so a call it makes outside such a mark came from another agent: a debugger's or IDE's
 * hot swap, or another tool's retransformation ({@link ClassPipeline} says what it does then).
 */
final class OwnRetransforms {
  /** Set while a mark is on; unset means off (no initial-value lambda to link in a first patch). */
  private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

  private OwnRetransforms() {}

  /**
   * Retransforms the classes, marked. The classes are passed, not a call to make: a lambda is a
   * call site the JVM links the first time it runs, in a JVM's first patch or probe
   * (docs/BENCHMARKS.md, section 62).
   */
  static void retransform(Instrumentation instrumentation, Class<?>... classes)
      throws UnmodifiableClassException {
    boolean outer = active();
    ACTIVE.set(Boolean.TRUE);
    try {
      instrumentation.retransformClasses(classes);
    } finally {
      if (!outer) {
        ACTIVE.remove();
      }
    }
  }

  static boolean active() {
    return ACTIVE.get() != null;
  }
}

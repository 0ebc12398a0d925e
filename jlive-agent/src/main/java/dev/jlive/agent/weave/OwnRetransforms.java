package dev.jlive.agent.weave;

import java.lang.instrument.UnmodifiableClassException;

/**
 * Marks the retransformations jlive asks for itself. The JVM calls the transformer on the thread
 * that asked, so a call it makes outside such a mark came from another agent: a debugger's or IDE's
 * hot swap, or another tool's retransformation ({@link ClassPipeline} says what it does then).
 */
final class OwnRetransforms {
  /** Set while a mark is on; unset means off (no initial-value lambda to link in a first patch). */
  private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

  /** A call to the JVM that may retransform classes. */
  interface Call {
    void run() throws UnmodifiableClassException;
  }

  private OwnRetransforms() {}

  static void run(Call call) throws UnmodifiableClassException {
    boolean outer = active();
    ACTIVE.set(Boolean.TRUE);
    try {
      call.run();
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

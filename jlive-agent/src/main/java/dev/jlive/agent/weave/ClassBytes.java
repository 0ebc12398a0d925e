package dev.jlive.agent.weave;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the bytes a class runs now, probes and all. The JVM has no call for that, but a
 * retransformation passes the class through every transformer in order: one added after the
 * pipeline sees exactly what the pipeline produced, and changes nothing.
 */
public final class ClassBytes {
  private ClassBytes() {}

  public static byte[] current(Instrumentation instrumentation, Class<?> type)
      throws UnmodifiableClassException {
    AtomicReference<byte[]> seen = new AtomicReference<>();
    ClassFileTransformer observer =
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              Module module,
              ClassLoader loader,
              String name,
              Class<?> redefined,
              ProtectionDomain domain,
              byte[] bytes) {
            if (redefined == type) {
              seen.set(bytes.clone());
            }
            return null;
          }
        };
    instrumentation.addTransformer(observer, true);
    try {
      OwnRetransforms.retransform(instrumentation, type);
    } finally {
      instrumentation.removeTransformer(observer);
    }
    return seen.get();
  }
}

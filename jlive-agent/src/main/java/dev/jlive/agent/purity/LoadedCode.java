package dev.jlive.agent.purity;

import java.lang.instrument.Instrumentation;
import java.util.List;

/**
 * What the side-effect check needs of the running JVM: its classes, found without loading any (a
 * class loader is application code), and the bytes each runs now.
 */
public interface LoadedCode {
  /**
   * The loaded class that code defined by {@code context} sees under this internal name; else null.
   */
  Class<?> find(String internalName, ClassLoader context);

  /** The bytes the class runs now (its latest patch and probes included); null when unreadable. */
  byte[] runningBytes(Class<?> type);

  /** The loaded classes that extend or implement {@code type}, {@code type} itself excluded. */
  List<Class<?>> subtypes(Class<?> type);

  /** The running JVM as {@code instrumentation} shows it. */
  static LoadedCode of(Instrumentation instrumentation) {
    return new InstrumentedCode(instrumentation);
  }
}

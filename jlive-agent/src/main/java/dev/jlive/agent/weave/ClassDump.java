package dev.jlive.agent.weave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes the bytes of every retransformation to a folder, for comparing the versions the JVM was
 * handed (BENCHMARKS.md section 9: a constant that is new in each version grows metaspace). Only
 * when the target JVM is started with {@code -Djlive.debug.dumpClasses=FOLDER}; each
 * retransformation writes {@code NNNNNN-Name.in.class} (what the JVM passed in) and, when jlive
 * changed the class, {@code NNNNNN-Name.out.class} (what the JVM was given).
 */
final class ClassDump {
  static final String PROPERTY = "jlive.debug.dumpClasses";

  private final Path folder;
  private final AtomicInteger sequence = new AtomicInteger();

  private ClassDump(Path folder) {
    this.folder = folder;
  }

  /** A dump into the property's folder, or null when the property is not set. */
  static ClassDump fromProperty(String property) {
    String folder = System.getProperty(property);
    return folder == null || folder.isBlank() ? null : new ClassDump(Path.of(folder));
  }

  /** Never throws: a dump that cannot be written is a debugging aid lost, not a failed change. */
  void write(String internalName, byte[] in, byte[] out) {
    try {
      Files.createDirectories(folder);
      String name =
          String.format("%06d-%s", sequence.incrementAndGet(), internalName.replace('/', '.'));
      Files.write(folder.resolve(name + ".in.class"), in);
      if (out != null) {
        Files.write(folder.resolve(name + ".out.class"), out);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("jlive: could not dump " + internalName + ": " + e);
    }
  }
}

package dev.jlive.agent.weave;

import java.util.List;
import java.util.function.Supplier;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Something that wants code woven into classes (the probe engine; later the patch engine and
 * safe-point gates). The pipeline asks every source each time it produces a class's bytes.
 */
public interface WeavingSource {
  /**
   * The weavings this source wants in a class.
   *
   * @param loader the class's loader, null for the boot loader
   * @param className binary name ({@code com.acme.Cart$Line})
   * @param loaded the class when it is being retransformed; null while it is first loaded
   * @param description the class as Byte Buddy sees it, built on demand (parsing costs time)
   */
  List<Weaving> weavingsFor(
      ClassLoader loader, String className, Class<?> loaded, Supplier<TypeDescription> description);

  /** Cheap first test, called for every class loaded: false means no weaving for this name. */
  boolean mayWeave(ClassLoader loader, String className);

  /**
   * Bytes to use instead of the class's base bytes (a patch), or null. The first source that
   * answers wins; weavings then apply on top of them.
   */
  default byte[] baseBytes(ClassLoader loader, String className) {
    return null;
  }
}

package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.function.Supplier;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/**
 * A class jlive changed goes back to its own bytes with its Throwable handlers catching any
 * exception; a class jlive never changed, or one without such handlers, gets exactly its bytes.
 */
class ClassPipelineRestoreTest {
  /** A class with its own try-with-resources, whose compiled code catches Throwable. */
  public static final class WithResources {
    public static int read(InputStream in) throws IOException {
      try (in) {
        return in.read();
      }
    }
  }

  /** A class without handlers. */
  public static final class Plain {
    public static int one() {
      return 1;
    }
  }

  /** A patch that is applied until {@link #revert}: its bytes replace the class's. */
  private static final class Patch implements WeavingSource {
    volatile byte[] bytes;

    void revert() {
      bytes = null;
    }

    @Override
    public List<Weaving> weavingsFor(
        ClassLoader loader,
        String className,
        Class<?> loaded,
        Supplier<TypeDescription> description) {
      return List.of();
    }

    @Override
    public boolean mayWeave(ClassLoader loader, String className) {
      return false;
    }

    @Override
    public byte[] baseBytes(ClassLoader loader, String className) {
      return bytes;
    }
  }

  /**
   * The test JVM's own: the pipeline is built with it but never started, so no transformer is
   * registered; the tests call {@code transform} as the JVM would at a retransformation.
   */
  private static final Instrumentation INSTRUMENTATION = ByteBuddyAgent.install();

  private static byte[] bytesOf(Class<?> type) throws IOException {
    String resource = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  /** The class in a loader of its own: the pipeline leaves classes of the agent's loader alone. */
  private static Class<?> loadApart(Class<?> type) throws ClassNotFoundException {
    URL classes = type.getProtectionDomain().getCodeSource().getLocation();
    return Class.forName(
        type.getName(),
        false,
        new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader()));
  }

  private static byte[] retransform(ClassPipeline pipeline, Class<?> type, byte[] original) {
    return pipeline.transform(
        null,
        type.getClassLoader(),
        type.getName().replace('.', '/'),
        type,
        type.getProtectionDomain(),
        original);
  }

  @Test
  void aChangedClassIsRestoredWithItsThrowableHandlersCatchingAnyException() throws Exception {
    byte[] original = bytesOf(WithResources.class);
    Class<?> type = loadApart(WithResources.class);
    Patch patch = new Patch();
    ClassPipeline pipeline = new ClassPipeline(INSTRUMENTATION, System.getLogger("test"));
    pipeline.addSource(patch);

    // Never changed by jlive: the JVM keeps the bytes it has.
    assertThat(retransform(pipeline, type, original)).isNull();

    patch.bytes = original.clone();
    assertThat(retransform(pipeline, type, original)).isEqualTo(original);
    patch.revert();
    byte[] restored = retransform(pipeline, type, original);

    assertThat(restored).isNotNull().isEqualTo(CatchAnyThrowable.rewrite(original));
    assertThat(restored).isNotEqualTo(original);
  }

  @Test
  void aChangedClassWithoutThrowableHandlersIsRestoredExactly() throws Exception {
    byte[] original = bytesOf(Plain.class);
    Class<?> type = loadApart(Plain.class);
    Patch patch = new Patch();
    ClassPipeline pipeline = new ClassPipeline(INSTRUMENTATION, System.getLogger("test"));
    pipeline.addSource(patch);

    patch.bytes = original.clone();
    retransform(pipeline, type, original);
    patch.revert();

    assertThat(retransform(pipeline, type, original)).isNull();
  }
}

package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/**
 * A name's classes come from the known class loaders' own dictionaries, and a loader is known from
 * the first scan or from the definition the transformer is told of ({@code defining}, called here
 * as the pipeline's transformer calls it).
 */
class LoadedClassesTest {
  private static final Instrumentation INSTRUMENTATION = ByteBuddyAgent.install();

  /** Loaded by a second loader in some tests: a class of the same name as the system loader's. */
  public static final class Sample {}

  @Test
  void aLookupFindsTheClassesOfAName() {
    LoadedClasses loaded = new LoadedClasses(INSTRUMENTATION);

    assertThat(loaded.named(LoadedClassesTest.class.getName()))
        .containsExactly(LoadedClassesTest.class);
    assertThat(loaded.named(Thread.class.getName())).containsExactly(Thread.class);
    assertThat(loaded.named("dev.jlive.agent.weave.NoSuchClass")).isEmpty();
  }

  @Test
  void aClassOfALoaderMadeAfterTheFirstLookupIsFoundOnceItsDefinitionWasSeen() throws Exception {
    LoadedClasses loaded = new LoadedClasses(INSTRUMENTATION);
    assertThat(loaded.named(Sample.class.getName())).containsExactly(Sample.class);

    try (URLClassLoader webApp = loaderOfThisModule("web-app")) {
      loaded.defining(webApp, Sample.class.getName().replace('.', '/'));
      Class<?> second = Class.forName(Sample.class.getName(), false, webApp);

      assertThat(second).isNotSameAs(Sample.class);
      assertThat(loaded.named(Sample.class.getName()))
          .containsExactlyInAnyOrder(Sample.class, second);
    }
  }

  /** The negative control: a loader nobody was told of is not asked, so its class is missed. */
  @Test
  void aLoaderWhoseDefinitionWasNotSeenIsNotAsked() throws Exception {
    LoadedClasses loaded = new LoadedClasses(INSTRUMENTATION);
    assertThat(loaded.named(Sample.class.getName())).containsExactly(Sample.class);

    try (URLClassLoader webApp = loaderOfThisModule("unseen")) {
      Class<?> second = Class.forName(Sample.class.getName(), false, webApp);

      assertThat(second).isNotSameAs(Sample.class);
      assertThat(loaded.named(Sample.class.getName())).containsExactly(Sample.class);
    }
  }

  /** A loader it was told of can be collected while the index lives on. */
  @Test
  void aKnownLoaderIsHeldWeakly() throws Exception {
    LoadedClasses loaded = new LoadedClasses(INSTRUMENTATION);
    loaded.named(Sample.class.getName());
    WeakReference<ClassLoader> gone = definedAndDropped(loaded);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              System.gc();
              return gone.get() == null;
            });
    assertThat(loaded.named(Sample.class.getName())).containsExactly(Sample.class);
  }

  private static WeakReference<ClassLoader> definedAndDropped(LoadedClasses loaded)
      throws Exception {
    URLClassLoader webApp = loaderOfThisModule("dropped");
    loaded.defining(webApp, Sample.class.getName().replace('.', '/'));
    Class<?> second = Class.forName(Sample.class.getName(), false, webApp);
    assertThat(loaded.named(Sample.class.getName())).contains(second);
    webApp.close();
    return new WeakReference<>(webApp);
  }

  /** A loader of this test's classes whose parent is the platform loader: its own copies. */
  private static URLClassLoader loaderOfThisModule(String name) {
    URL classes = LoadedClassesTest.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader(name, new URL[] {classes}, ClassLoader.getPlatformClassLoader());
  }
}

package dev.jlive.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.launcher.AgentLauncher;
import dev.jlive.bridge.JLiveBridge;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * What {@code jlive classes}, probes and patches see: the application's classes and the JDK's, not
 * jlive's own, wherever they were loaded. Each class here is a copy from a loader of its own, as
 * the application's classes come from a loader that is not the agent's, and the launcher's from the
 * system loader, out of the agent's jar.
 */
class ClassSearchTest {
  /** Stands for an application class. */
  public static final class Sample {}

  @Test
  void theApplicationsAndTheJdksClassesAreVisible() throws Exception {
    try (URLClassLoader application = copiesOf(Sample.class)) {
      assertThat(ClassSearch.isVisible(application.loadClass(Sample.class.getName()))).isTrue();
    }
    assertThat(ClassSearch.isVisible(String.class)).isTrue();
  }

  /** Loaded the same way as the sample, which is visible: only their names tell them apart. */
  @Test
  void jlivesLauncherAndBridgeAreNot() throws Exception {
    try (URLClassLoader launcher = copiesOf(AgentLauncher.class);
        URLClassLoader bridge = copiesOf(JLiveBridge.class)) {
      assertThat(ClassSearch.isVisible(launcher.loadClass(AgentLauncher.class.getName())))
          .isFalse();
      assertThat(ClassSearch.isVisible(bridge.loadClass(JLiveBridge.class.getName()))).isFalse();
    }
  }

  @Test
  void arraysAndPrimitivesAreNot() {
    assertThat(ClassSearch.isVisible(String[].class)).isFalse();
    assertThat(ClassSearch.isVisible(int.class)).isFalse();
  }

  /** A loader of the classes where {@code type} comes from, under the platform loader. */
  private static URLClassLoader copiesOf(Class<?> type) {
    URL location = type.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader(new URL[] {location}, ClassLoader.getPlatformClassLoader());
  }
}

package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/**
 * The idle warm-up's class of the class path, and the forgetting of a lookup's answer it relies on
 * (a kept name makes every class definition take the index's lock).
 */
class LoadedClassesTest {
  @Test
  void theWarmUpsClassIsOfTheClassPathAndItsLookupIsForgottenAfterwards() {
    LoadedClasses loaded = new LoadedClasses(ByteBuddyAgent.install());

    Class<?> application = loaded.classPathClass();

    assertThat(application).isNotNull();
    assertThat(application.getClassLoader()).isSameAs(ClassLoader.getSystemClassLoader());
    assertThat(application.isArray()).isFalse();
    assertThat(application.getModule().isNamed()).isFalse();
    assertThat(loaded.keptNames()).isZero();
    // A lookup keeps its answer...
    assertThat(loaded.named(application.getName())).containsExactly(application);
    assertThat(loaded.keptNames()).isOne();
    // ...until it is forgotten; a later lookup scans again and finds the same class.
    loaded.forget(application.getName());
    assertThat(loaded.keptNames()).isZero();
    assertThat(loaded.named(application.getName())).containsExactly(application);
  }
}

package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/** The idle warm-up's lookup looks as a patch's does and keeps no answer; a patch's keeps it. */
class LoadedClassesTest {
  @Test
  void theWarmUpFindsAnApplicationClassAndKeepsNothingWhereALookupKeepsItsAnswer() {
    LoadedClasses loaded = new LoadedClasses(ByteBuddyAgent.install());

    Class<?> application = loaded.warmUp();

    assertThat(application).isNotNull();
    assertThat(application.getClassLoader()).isSameAs(ClassLoader.getSystemClassLoader());
    assertThat(application.isArray()).isFalse();
    assertThat(application.getModule().isNamed()).isFalse();
    assertThat(loaded.keptNames()).isZero();
    // The control: a patch's lookup of the same name finds the same class and keeps its answer.
    assertThat(loaded.named(application.getName())).containsExactly(application);
    assertThat(loaded.keptNames()).isOne();
  }
}

package dev.jlive.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/**
 * A lookup's answer can be forgotten, as the idle warm-up does after its read and check: a kept
 * name makes every class definition take the index's lock.
 */
class LoadedClassesTest {
  @Test
  void aLookupKeepsItsAnswerUntilItIsForgotten() {
    LoadedClasses loaded = new LoadedClasses(ByteBuddyAgent.install());
    Class<?> type = LoadedClassesTest.class;

    assertThat(loaded.keptNames()).isZero();
    // A lookup keeps its answer...
    assertThat(loaded.named(type.getName())).containsExactly(type);
    assertThat(loaded.keptNames()).isOne();
    // ...until it is forgotten; a later lookup scans again and finds the same class.
    loaded.forget(type.getName());
    assertThat(loaded.keptNames()).isZero();
    assertThat(loaded.named(type.getName())).containsExactly(type);
  }
}

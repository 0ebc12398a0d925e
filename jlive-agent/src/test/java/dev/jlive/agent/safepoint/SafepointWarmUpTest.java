package dev.jlive.agent.safepoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.expression.ProbeExpressions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The warm-up runs a whole safe point on a method, on a gate nothing weaves: it sees the threads
 * inside the method as a patch would, and holds none of them.
 */
class SafepointWarmUpTest {
  private static final System.Logger LOG = System.getLogger("test");
  private static final String HELD = "(Ljava/util/concurrent/CountDownLatch;)V";

  static long idle(int[] values) {
    return values.length;
  }

  static void held(CountDownLatch release) throws InterruptedException {
    release.await();
  }

  @BeforeAll
  static void trustedLookup() {
    // The re-invokers' handles come from the agent's trusted lookup.
    ProbeExpressions.initialise(ByteBuddyAgent.install());
  }

  @Test
  void aMethodNobodyRunsGoesThroughToTheSwitch() throws Exception {
    assertThat(QuiescentSwap.warmUp(SafepointWarmUpTest.class, "idle", "([I)J", LOG)).isZero();
  }

  /**
   * The control: a thread inside the method blocks the rehearsal's safe point as it would a
   * patch's, and runs on untouched.
   */
  @Test
  void aThreadInsideTheMethodIsSeenAndNotHeld() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread inside =
        new Thread(
            () -> {
              try {
                held(release);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "inside-held");
    inside.start();
    List<QuiescentSwap.Member> set =
        List.of(new QuiescentSwap.Member(SafepointWarmUpTest.class, "held", HELD));
    Awaitility.await().until(() -> QuiescentSwap.threadsInside(set).size() == 1);

    assertThat(QuiescentSwap.warmUp(SafepointWarmUpTest.class, "held", HELD, LOG)).isEqualTo(1);

    release.countDown();
    inside.join(10_000);
    assertThat(inside.isAlive()).isFalse();
  }
}

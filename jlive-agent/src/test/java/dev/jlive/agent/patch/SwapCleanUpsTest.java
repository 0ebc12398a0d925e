package dev.jlive.agent.patch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.weave.ClassPipeline;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SwapCleanUpsTest {
  /** Every retransformation asked of the JVM, as the list of its classes. */
  private final List<List<Class<?>>> retransformed = new CopyOnWriteArrayList<>();

  private final Instrumentation recording =
      (Instrumentation)
          Proxy.newProxyInstance(
              SwapCleanUpsTest.class.getClassLoader(),
              new Class<?>[] {Instrumentation.class},
              (proxy, method, args) -> {
                if (method.getName().equals("retransformClasses")) {
                  retransformed.add(List.of((Class<?>[]) args[0]));
                }
                return null;
              });

  private final Object lock = new Object();
  private final SwapCleanUps cleanUps =
      new SwapCleanUps(
          new ClassPipeline(recording, System.getLogger("test")), System.getLogger("test"), lock);

  @Test
  void aLaterRetransformationOfAllItsClassesDoesTheCleanUpsWork() {
    AtomicInteger gatesLetGo = new AtomicInteger();
    synchronized (lock) {
      cleanUps.schedule(List.of(String.class, Integer.class), gatesLetGo::incrementAndGet);
      cleanUps.retransformed(List.of(Integer.class, String.class, Long.class));
      assertThat(gatesLetGo).as("its gate is let go at once").hasValue(1);
      cleanUps.stop();
    }
    assertThat(retransformed).as("no retransformation of its own").isEmpty();
    assertThat(gatesLetGo).as("and the gate let go once").hasValue(1);
  }

  @Test
  void aRetransformationOfSomeOfItsClassesLeavesTheCleanUpToDo() {
    AtomicInteger gatesLetGo = new AtomicInteger();
    synchronized (lock) {
      cleanUps.schedule(List.of(String.class, Integer.class), gatesLetGo::incrementAndGet);
      cleanUps.retransformed(List.of(String.class));
      assertThat(gatesLetGo).hasValue(0);
      // Runs it now if its delay has not run it yet: either way once.
      cleanUps.stop();
    }
    assertThat(retransformed).containsExactly(List.of(String.class, Integer.class));
    assertThat(gatesLetGo).hasValue(1);
  }
}

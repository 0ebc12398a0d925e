package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An add that fails gives back every dispatcher slot it took: a service whose users keep trying a
 * condition that does not compile must not grow the probe table with each try.
 */
class ProbeSlotLeakTest {
  private static final int TRIES = 50;
  private static final String SHOP = SlotLeakShop.class.getName();

  /** The shop as an application's class: the engine leaves classes of its own loader alone. */
  private static final Class<?> SHOP_CLASS = loadApart();

  private final System.Logger log = System.getLogger(ProbeSlotLeakTest.class.getName());

  private ProbeEngine engine(boolean modifiable) {
    Instrumentation instrumentation = instrumentation(modifiable);
    return new ProbeEngine(
        instrumentation, new ClassPipeline(instrumentation, log), new ChangeLedger(log), log);
  }

  private static ProbeSpec log(String selector, String template, String when) {
    return when == null
        ? ProbeSpec.fromJson(Map.of("selector", selector, "kind", "log", "template", template))
        : ProbeSpec.fromJson(
            Map.of("selector", selector, "kind", "log", "template", template, "when", when));
  }

  @Test
  void aConditionThatDoesNotCompileGivesItsSlotsBack() {
    ProbeEngine engine = engine(true);
    for (int i = 0; i < TRIES; i++) {
      assertThatThrownBy(
              () -> engine.add(log(SHOP + "#work", "q={quantity}", "noSuchVariable > 0"), "test"))
          .isInstanceOf(JLiveException.class)
          .hasMessageContaining("noSuchVariable");
    }
    assertThat(engine.dispatcher().inUse()).isZero();
  }

  @Test
  void aTemplateThatFitsOnlySomeMethodsGivesTheSlotsOfTheOthersBack() {
    ProbeEngine engine = engine(true);
    for (int i = 0; i < TRIES; i++) {
      // work(int quantity) takes the template and its slot first; workLater() has no quantity.
      assertThatThrownBy(() -> engine.add(log(SHOP + "#work*", "q={quantity}", null), "test"))
          .isInstanceOf(JLiveException.class)
          .hasMessageContaining("quantity");
    }
    assertThat(engine.dispatcher().inUse()).isZero();
  }

  @Test
  void aClassTheJvmDoesNotLetChangeGivesItsSlotsBack() {
    ProbeEngine engine = engine(false);
    for (int i = 0; i < TRIES; i++) {
      assertThatThrownBy(() -> engine.add(log(SHOP + "#work", "q={quantity}", null), "test"))
          .isInstanceOf(JLiveException.class);
    }
    assertThat(engine.dispatcher().inUse()).isZero();
  }

  /** The control: the count sees the slots of probes that were added, until they are removed. */
  @Test
  void aProbeThatWasAddedHoldsItsSlotUntilRemoved() {
    ProbeEngine engine = engine(true);
    String id = engine.add(log(SHOP + "#work", "q={quantity}", null), "test").probe().id();
    assertThat(engine.dispatcher().inUse()).isEqualTo(1);
    engine.remove(id, "test");
    assertThat(engine.dispatcher().inUse()).isZero();
  }

  private static Class<?> loadApart() {
    URL classes = SlotLeakShop.class.getProtectionDomain().getCodeSource().getLocation();
    try {
      return Class.forName(
          SHOP,
          false,
          new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader()));
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An Instrumentation that sees only {@link SlotLeakShop} and weaves nothing: the engine's
   * retransformation succeeds without changing the class, or fails as for a class the JVM does not
   * let change.
   */
  private static Instrumentation instrumentation(boolean modifiable) {
    return (Instrumentation)
        Proxy.newProxyInstance(
            ProbeSlotLeakTest.class.getClassLoader(),
            new Class<?>[] {Instrumentation.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "getAllLoadedClasses":
                  return new Class<?>[] {SHOP_CLASS};
                case "retransformClasses":
                  if (!modifiable) {
                    throw new UnmodifiableClassException(SHOP);
                  }
                  return null;
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                case "toString":
                  return "only " + SHOP;
                default:
                  break;
              }
              Class<?> type = method.getReturnType();
              if (type == Class[].class) {
                return new Class<?>[0];
              }
              if (type == boolean.class) {
                return modifiable;
              }
              if (type == long.class) {
                return 0L;
              }
              return null;
            });
  }
}

/** The class the engine probes; never woven, as the test's Instrumentation changes nothing. */
final class SlotLeakShop {
  int work(int quantity) {
    return quantity * 2;
  }

  void workLater() {}
}

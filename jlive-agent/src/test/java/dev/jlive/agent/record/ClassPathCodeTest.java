package dev.jlive.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.agent.purity.SideEffectCheck;
import dev.jlive.agent.purity.Verdict;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The side-effect check in a replay's fresh JVM, where the build's classes are not loaded: a call
 * through an interface reaches the implementations found on the class path, so one with a side
 * effect refuses the method. The control is the same check with no class path to scan, as the
 * replay had it: the call is followed nowhere and the method passes.
 */
class ClassPathCodeTest {
  /** A rate of the build: the replayed method calls it through its interface. */
  interface Rate {
    long cents(int quantity);
  }

  /** Counts what it is asked: a write to a static the check must see. */
  static final class CountingRate implements Rate {
    static int asked;

    @Override
    public long cents(int quantity) {
      asked++;
      return 250L * quantity;
    }
  }

  /** What is replayed: the receiver's rate comes from its field, so its class is not known. */
  static final class Quote {
    private final Rate rate = new CountingRate();

    long total(int quantity) {
      return rate.cents(quantity);
    }
  }

  @Test
  void anImplementationOnTheClassPathWithASideEffectRefusesTheMethod() throws Exception {
    Path classes = Path.of(Quote.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (URLClassLoader build =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> quote = Class.forName(Quote.class.getName(), false, build);

      Verdict scanned =
          SideEffectCheck.of(new ClassPathCode(build, List.of(classes)))
              .check(quote, "total", "(I)J");
      assertThat(scanned.repeatable()).as(scanned.describe()).isFalse();
      assertThat(scanned.describe()).contains("writes static field").contains("CountingRate.asked");

      Verdict unscanned =
          SideEffectCheck.of(new ClassPathCode(build, List.of())).check(quote, "total", "(I)J");
      assertThat(unscanned.repeatable()).as(unscanned.describe()).isTrue();
    }
  }
}

package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Makes the sites' linked dispatchers as instances of {@link SiteConstants} defined a second time,
 * from its own class file, as a hidden class. Why: C2 takes the final fields of a hidden class (and
 * of a record) as constants where the object is one, and of an ordinary class only as loads. The
 * linked dispatcher is a constant in the probed method's compiled code, so its site and plan, and
 * through the records ({@link ProbeSite}, {@link CallPlan}, {@link ThreadCells}) the probe's kind,
 * limits and cell table, become constants too, and the per-call checks on them fold away
 * (docs/BENCHMARKS.md, section 53). The code is the same either way: if the hidden class cannot be
 * defined, the ordinary class is used, and only that folding is lost.
 */
final class SiteDispatchers {
  /** Why the hidden class was not defined, or null when it was. */
  private static String failure;

  private static final MethodHandle HIDDEN = hiddenConstructor();

  private SiteDispatchers() {}

  /** A site's linked dispatcher; for no site (null), one that does nothing. */
  static JLiveBridge.Dispatcher create(ProbeDispatcher owner, ProbeSite site) {
    if (HIDDEN != null) {
      try {
        return (JLiveBridge.Dispatcher) HIDDEN.invoke(owner, site);
      } catch (Throwable unexpected) {
        // Unreachable for a constructor that only stores fields; the ordinary class does the same.
      }
    }
    return new SiteConstants(owner, site);
  }

  /**
   * Why the dispatchers made here are of the ordinary class, for the engine's log; null when they
   * are of the hidden class.
   */
  static String unfolded() {
    return failure;
  }

  private static MethodHandle hiddenConstructor() {
    if (!Boolean.parseBoolean(System.getProperty("jlive.probe.hiddenDispatchers", "true"))) {
      failure = "turned off by -Djlive.probe.hiddenDispatchers=false";
      return null;
    }
    try (InputStream in = SiteConstants.class.getResourceAsStream("SiteConstants.class")) {
      if (in == null) {
        failure = "SiteConstants.class is not in the agent's jar";
        return null;
      }
      MethodHandles.Lookup hidden =
          MethodHandles.lookup().defineHiddenClass(in.readAllBytes(), true);
      return hidden
          .findConstructor(
              hidden.lookupClass(),
              MethodType.methodType(void.class, ProbeDispatcher.class, ProbeSite.class))
          .asType(
              MethodType.methodType(
                  JLiveBridge.Dispatcher.class, ProbeDispatcher.class, ProbeSite.class));
    } catch (IOException | ReflectiveOperationException | LinkageError | SecurityException e) {
      failure = e.toString();
      return null;
    }
  }
}

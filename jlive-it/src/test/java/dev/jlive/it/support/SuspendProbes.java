package dev.jlive.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.itapps.kotlin.Greeter;
import dev.jlive.itapps.kotlin.KotlinApp;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import kotlinx.coroutines.Dispatchers;

/**
 * Probes on {@code Greeter.greet}, the Kotlin suspend function of {@link KotlinApp}, which suspends
 * in {@code delay} once per call, so each call runs as two invocations.
 */
public final class SuspendProbes {
  public static final String GREET = Greeter.class.getName() + "#greet";

  /** The continuation's {@code invokeSuspend}: called once per resumed call. */
  public static final String RESUMES = Greeter.class.getName() + "$greet$1#invokeSuspend";

  private SuspendProbes() {}

  /** The Kotlin service's class path, for {@link TargetJvm.Builder#classPath}. */
  public static String classPath() {
    return Artifacts.classPathWith(KotlinApp.class, kotlin.Unit.class, Dispatchers.class);
  }

  /**
   * What {@link #countAndTime} saw between two readings: calls counted, calls resumed, and the
   * calls the application itself completed, read right after each.
   */
  public record Counted(long calls, long resumes, long appCalls) {}

  /** {@link #countAndTime(LiveChanges, LongSupplier)} without the application's own count. */
  public static Counted countAndTime(LiveChanges jlive) {
    return countAndTime(jlive, () -> 0L);
  }

  /**
   * Adds a count and a metrics probe (every call timed) on greet and a count on the resumes, waits
   * for 100 more calls, and checks that the count saw logical calls, not invocations (the resumes,
   * one per call, are the control: counting invocations would give twice as many), and that the
   * calls were timed from their first invocation to their completion, across the {@code delay}.
   */
  public static Counted countAndTime(LiveChanges jlive, LongSupplier appCalls) {
    String count = jlive.probe(GREET, "--count");
    String metrics = jlive.probe(GREET, "--metrics", "--time-one-in", "1");
    String resumes = jlive.probe(RESUMES, "--count");
    long[] before = jlive.hits(count, resumes);
    long appBefore = appCalls.getAsLong();
    await().atMost(Duration.ofSeconds(60)).until(() -> jlive.hits(count) >= before[0] + 100);

    long[] after = jlive.hits(count, resumes);
    Counted counted =
        new Counted(after[0] - before[0], after[1] - before[1], appCalls.getAsLong() - appBefore);
    // Read in one listing each time: the two differ by the calls in flight at either read (at
    // most 4 each).
    assertThat(counted.resumes())
        .as("resumes of %d calls counted", counted.calls())
        .isBetween(counted.calls() - 8, counted.calls() + 8);
    @SuppressWarnings("unchecked")
    Map<String, Object> latency = (Map<String, Object>) jlive.metrics(metrics).get("latency");
    // Each call waits in delay(20 ms): timing the invocations alone would give microseconds.
    assertThat(((Number) latency.get("p50Millis")).doubleValue())
        .isGreaterThanOrEqualTo(Greeter.PAUSE_MILLIS);
    return counted;
  }
}

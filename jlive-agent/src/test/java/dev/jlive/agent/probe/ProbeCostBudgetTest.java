package dev.jlive.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * A probe is charged for the CPU its own work takes, not for the time it waits, and for the bytes
 * of events it makes; each self-disable says what to change. (A condition that throws is covered on
 * a real JVM, in {@code ProbeMemoryTest}: compiling one needs the agent.)
 */
class ProbeCostBudgetTest {
  private final CoarseClock clock = new CoarseClock(() -> false);
  private final List<String> disabledFor = new ArrayList<>();
  private volatile ProbeOutput output = (site, event) -> {};
  private final EventLog events = new EventLog(10_000, EventLog.MIN_BYTES);
  private final ProbeDispatcher dispatcher =
      new ProbeDispatcher(events, (site, event) -> output.publish(site, event));

  private Probe logProbe(Map<String, Object> extra) {
    Map<String, Object> spec =
        new LinkedHashMap<>(
            Map.of(
                "selector",
                "dev.example.Shop#work",
                "kind",
                "log",
                "template",
                "x={x}",
                "ratePerSecond",
                1_000_000,
                "cpuPercent",
                5.0,
                "appLog",
                false));
    spec.putAll(extra);
    Probe probe =
        new Probe(
            "p1", ProbeSpec.fromJson(spec), "test", (p, reason) -> disabledFor.add(reason), clock);
    Template template = Template.parse(probe.spec.template(), List.of("x"), "work", null);
    dispatcher.put(new ProbeSite(0, probe, null, "Shop#work(String)", template, null, null, null));
    return probe;
  }

  /**
   * Calls the probed method {@code calls} times and judges the CPU share over the wall time they
   * took.
   */
  private static long callAndJudge(ProbeDispatcher dispatcher, Probe probe, int calls) {
    long start = System.nanoTime();
    for (int i = 0; i < calls && probe.isActive(); i++) {
      long token = dispatcher.admit(0);
      if (token != 0L) {
        dispatcher.enterAdmitted(0, token, null, new Object[] {"call " + i});
      }
    }
    long wall = System.nanoTime() - start;
    probe.checkBudget(probe.now(), probe.ownNanos.sum(), wall);
    return wall;
  }

  @Test
  void aHandlerThatSleepsIsNotChargedForTheWait() {
    output =
        (site, event) -> {
          try {
            Thread.sleep(3);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    Probe probe = logProbe(Map.of());
    long wall = callAndJudge(dispatcher, probe, 300);
    assertThat(probe.isActive()).as(String.valueOf(probe.disabledReason())).isTrue();
    // Control: nearly all of that wall time was the handler's; a wall-clock budget would have
    // charged ~100%.
    assertThat(wall).isGreaterThan(300 * 3_000_000L);
    assertThat(100.0 * probe.ownNanos.sum() / wall).isLessThan(5.0);
  }

  @Test
  void aHandlerThatWaitsForALockIsNotChargedForTheWait() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    // The application's logger, busy elsewhere for the whole test.
    Thread holder =
        new Thread(
            () -> {
              lock.lock();
              held.countDown();
              try {
                done.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                lock.unlock();
              }
            });
    holder.start();
    held.await();
    // Each event waits 10 ms for the lock, parked (a timed wait, so that the test does not depend
    // on
    // the holder's scheduling). Parking and waking cost some real CPU, more on a loaded host: the
    // wait is long enough that this stays far below the 5% cap.
    output =
        (site, event) -> {
          try {
            if (lock.tryLock(10, TimeUnit.MILLISECONDS)) {
              lock.unlock();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    Probe probe = logProbe(Map.of());
    long wall = callAndJudge(dispatcher, probe, 200);
    done.countDown();
    holder.join();
    assertThat(probe.isActive()).as(String.valueOf(probe.disabledReason())).isTrue();
    // Control: the handler did wait: a wall-clock budget would have charged nearly all of it.
    assertThat(wall).isGreaterThan(200 * 10_000_000L);
    assertThat(100.0 * probe.ownNanos.sum() / wall).isLessThan(5.0);
  }

  @Test
  void aHandlerThatBurnsCpuIsDisabledWithAReasonThatSaysWhatToChange() {
    output = (site, event) -> burn(2_000_000L);
    Probe probe = logProbe(Map.of());
    callAndJudge(dispatcher, probe, 400);
    assertThat(probe.isActive()).isFalse();
    assertThat(probe.disabledReason())
        .matches("used [\\d.]+% of a CPU over [\\d.]+ s, above its cap of 5.0%; .*")
        .contains("--sample", "--rate", "--cpu");
  }

  @Test
  void theFirstEventsPayForOneTimeSetUpUncharged() {
    // The application logger's first call sets it up (seconds, on some): that one event is not the
    // probe's cost.
    output =
        (site, event) -> {
          if (event.sequence() == 1) {
            burn(500_000_000L);
          }
        };
    Probe probe = logProbe(Map.of());
    long wall = callAndJudge(dispatcher, probe, 6);
    assertThat(wall).isGreaterThan(500_000_000L);
    assertThat(probe.ownNanos.sum()).isZero();
    assertThat(probe.isActive()).isTrue();
  }

  @Test
  void aProbeThatMakesTooManyBytesOfEventsIsDisabledAndSaysSo() {
    Probe probe =
        logProbe(
            Map.of("template", "{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}{x}"));
    String large = "y".repeat(1 << 20);
    for (int i = 0; i < 1_000 && probe.isActive(); i++) {
      dispatcher.enterAdmitted(0, dispatcher.admit(0), null, new Object[] {large});
    }
    assertThat(probe.isActive()).isFalse();
    assertThat(probe.disabledReason())
        .startsWith("made 0.5 MB of events within a second, above its bound of 0.5 MB/s")
        .contains("--sample", "--rate");
    // Each value was cut at capture, and the ring never held more than its bound.
    assertThat(events.since(0, "p1", 10_000).events())
        .allSatisfy(event -> assertThat(event.message()).hasSizeLessThan(5_000));
    assertThat(events.bytes()).isLessThanOrEqualTo(EventLog.MIN_BYTES);
  }

  private static void burn(long cpuNanos) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long end = threads.getCurrentThreadCpuTime() + cpuNanos;
    long sink = 0;
    while (threads.getCurrentThreadCpuTime() < end) {
      for (int i = 0; i < 1_000; i++) {
        sink += i * 31L ^ sink;
      }
    }
    if (sink == 42) {
      System.out.print("");
    }
  }
}

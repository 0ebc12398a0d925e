package dev.jlive.it.support;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.pollinterval.PollInterval;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes every Awaitility wait of these tests look at its condition at once, then after 10, 20, 40
 * and 80 ms, then every 100 ms. Awaitility's own default (first look after 100 ms, then every 100
 * ms) costs 100 ms at each wait that is already met: an answer line, a ready line, a probe already
 * listed; a test class waits like that dozens of times. A wait that lasts polls every 100 ms, as
 * before. Waits that give their own poll interval keep it. Registered for every test class through
 * the ServiceLoader (META-INF/services, junit-platform.properties).
 */
public final class QuickPolls implements BeforeAllCallback {
  private static final Duration FIRST = Duration.ofMillis(10);
  private static final Duration STEADY = Duration.ofMillis(100);

  /** 10 ms after the first look, doubling up to the steady 100 ms. */
  static final PollInterval QUICK_THEN_STEADY =
      (pollCount, previous) -> {
        Duration next = FIRST.multipliedBy(1L << Math.min(Math.max(pollCount - 1, 0), 4));
        return next.compareTo(STEADY) < 0 ? next : STEADY;
      };

  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(QUICK_THEN_STEADY);
  }
}

package dev.jlive.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ThrowingRunnable;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The dashboards' probe form (the fleet's and the one-JVM page of {@code jlive ui} share it): its
 * selector is checked as it is typed against the classes the processes have loaded, and the form
 * can be sent only once the check found the class.
 */
public final class ProbeForm {
  private static final Duration CHECK = Duration.ofSeconds(30);
  private final Browser browser;
  private final WebElement selector;

  private ProbeForm(Browser browser, WebElement selector) {
    this.browser = browser;
    this.selector = selector;
  }

  /** Opens the probe tab and waits for its selector field. */
  public static ProbeForm open(Browser browser) {
    browser.find("#tab-probe").click();
    return new ProbeForm(browser, browser.await("#probe-selector", 30));
  }

  /**
   * Types {@code text}, a selector of a class no process has loaded: waits until the check refuses
   * it with a refusal that says each of {@code refusalSays}, and checks the form cannot be sent.
   */
  public void typeRefused(String text, String... refusalSays) {
    selector.sendKeys(text);
    awaitCheck(
        "false",
        () -> assertThat(browser.find("#selector-refusal").getText()).contains(refusalSays));
    assertThat(browser.find("#probe-add").isEnabled())
        .as("a refused selector is not sent")
        .isFalse();
  }

  /**
   * Replaces the field's text with {@code text}, a selector of a loaded class: waits until the
   * check finds the class loaded and lists {@code method} among its methods, and {@code more}
   * holds.
   */
  public void retypeLoaded(String text, String method, ThrowingRunnable more) {
    // Cleared by keys, not clear(): the page must see the input events, or its next redraw puts
    // the old text back.
    selector.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    selector.sendKeys(text);
    awaitCheck(
        "true",
        () -> {
          assertThat(browser.find("#selector-methods").getText()).contains(method);
          more.run();
        });
  }

  /** Waits until the check's {@code data-loaded} is {@code loaded} and {@code more} holds. */
  private void awaitCheck(String loaded, ThrowingRunnable more) {
    await()
        .atMost(CHECK)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(browser.find("#selector-check").getAttribute("data-loaded"))
                  .isEqualTo(loaded);
              more.run();
            });
  }

  /** Types {@code text} at the end of the field. */
  public void type(String text) {
    selector.sendKeys(text);
  }

  /**
   * Waits until the form can be sent, sends it, and waits for the page it leads to: the new probe's
   * view with its rates chart.
   */
  public void add() {
    await().atMost(CHECK).until(() -> browser.find("#probe-add").isEnabled());
    browser.find("#probe-add").click();
    browser.await("#chart-rates", 30);
  }
}

package dev.jlive.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.jlive.protocol.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by its chromedriver, both named by path so that Selenium
 * Manager downloads nothing. Without {@code /usr/bin/chromium} the tests that need it are skipped,
 * unless {@code JLIVE_REQUIRE_BROWSER} is set (CI sets it), where they fail.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

  private final WebDriver driver;

  private Browser(WebDriver driver) {
    this.driver = driver;
  }

  /** Skips the calling test when there is no browser here, or fails it where one is required. */
  public static void assumeInstalled() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && System.getenv("JLIVE_REQUIRE_BROWSER") != null) {
      fail(
          "JLIVE_REQUIRE_BROWSER is set but "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing: apt-get install -y chromium chromium-driver");
    }
    Assumptions.assumeTrue(
        installed,
        "no "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + ": browser tests skipped (apt-get install -y chromium chromium-driver to run them)");
  }

  public static Browser start() throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + Files.createTempDirectory(Artifacts.work(), "chromium"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new Browser(new ChromeDriver(service, options));
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits (at most {@code seconds}) until {@code css} matches an element, and answers it. */
  public WebElement await(String css, int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds))
        .until(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
  }

  /**
   * Waits until the probe view's rates chart ({@code #chart-rates}) has at least three points and
   * its last point counted calls; {@code lastPoint} asserts more of that point ({"calls", "p50",
   * "p99", ...}).
   */
  public void awaitRatesChartMoving(Duration atMost, Consumer<Map<String, Object>> lastPoint) {
    // Awaitility by its class: this class's own await(css, seconds) hides a static import.
    Awaitility.await()
        .atMost(atMost)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              WebElement chart = find("#chart-rates");
              assertThat(Integer.parseInt(chart.getAttribute("data-points")))
                  .isGreaterThanOrEqualTo(3);
              Map<String, Object> last = Json.parseObject(chart.getAttribute("data-last"));
              assertThat(((Number) last.get("calls")).doubleValue()).isPositive();
              lastPoint.accept(last);
            });
  }

  public Object script(String code, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(code, args);
  }

  /** Signs in with {@code token} on a fresh page of {@code url}. */
  public void signIn(String url, String token) {
    driver.manage().deleteAllCookies();
    open(url);
    await("#token", 30).sendKeys(token);
    find("#sign-in-button").click();
    await("#sign-out", 30);
  }

  /**
   * Writes the page as {@code docs/screenshots/NAME.png} when {@code JLIVE_SCREENSHOTS} (or the
   * system property {@code jlive.screenshots}) names the folder; otherwise does nothing.
   */
  public void screenshot(String name) throws IOException {
    String folder = System.getProperty("jlive.screenshots", System.getenv("JLIVE_SCREENSHOTS"));
    if (folder == null || folder.isBlank()) {
      return;
    }
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Path target = Paths.get(folder).resolve(name + ".png");
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    assertThat(target).isNotEmptyFile();
  }

  @Override
  public void close() {
    driver.quit();
  }
}

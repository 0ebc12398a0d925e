package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.Controller;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.controller.ui.DashboardServer;
import dev.jlive.it.support.Browser;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard with 2,000 processes in one service, registered through the real agent protocol by
 * simulated agents (no JVM each): the time until the services page first draws them all, the time
 * until a change's "applied" on every process shows after the last report (and, to tell the
 * controller's part from the page's, until the API answers it), and the longest time the page
 * spends on one update. Figures are printed for docs/BENCHMARKS.md; what is asserted is what the
 * page does (every process drawn, every "applied" shown, updates still arriving), not how fast:
 * times on a shared machine say more about its load than about the code.
 */
@SuppressWarnings("unchecked")
class DashboardScaleTest {
  private static final int PROCESSES = 2_000;
  private static final String SERVICE = "big";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void twoThousandProcessesRenderAndEveryUpdateShows() throws Exception {
    Browser.assumeInstalled();
    try (TestingServer zooKeeper = new TestingServer(true);
        // A long heartbeat: the simulated agents sync only when they have something to report.
        Controller controller =
            Controller.start(
                ControllerConfig.defaults(FleetFixture.tempDir("dashboard-scale"))
                    .withZooKeeper(zooKeeper.getConnectString())
                    .withHeartbeat(Duration.ofSeconds(60)));
        Browser browser = Browser.start()) {
      DashboardServer dashboard = controller.startDashboard(0);
      String agentToken = FleetFixture.addUser(controller, "agent-big", "agent@" + SERVICE);
      List<String> ids = register(controller, agentToken);
      assertThat(ids).hasSize(PROCESSES).doesNotHaveDuplicates();

      browser.signIn(dashboard.url(), controller.token());
      long opened = System.nanoTime();
      browser.open(dashboard.url() + "/#/services/" + SERVICE);
      wait(browser, 60).until(d -> "2000".equals(text(d, "#process-count")));
      long firstRenderMillis = (System.nanoTime() - opened) / 1_000_000;
      Map<String, Object> stats = stats(browser);
      assertThat(((Number) stats.get("firstRowsCount")).intValue()).isEqualTo(PROCESSES);
      // Windowed: only the rows in view are in the page.
      assertThat(browser.all("#processes .row").size()).isLessThan(100);
      browser.screenshot("services-2000");

      // A probe for the whole service; every agent reports it applied in one sync.
      Map<String, Object> added =
          post(
              controller,
              controller.token(),
              FleetApi.changes(SERVICE),
              Map.of(
                  "kind",
                  "probe",
                  "spec",
                  Map.of("selector", "com.example.Shop#price", "kind", "count")));
      String change = String.valueOf(((Map<String, Object>) added.get("change")).get("id"));
      browser.open(dashboard.url() + "/#/changes/" + SERVICE);
      wait(browser, 30)
          .until(d -> !d.findElements(By.cssSelector("#changes tr[data-change]")).isEmpty());
      long messagesBefore = ((Number) stats(browser).get("messages")).longValue();
      report(controller, agentToken, ids, change);
      long reported = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> applied(controller, change) == PROCESSES);
      long storedMillis = (System.nanoTime() - reported) / 1_000_000;
      wait(browser, 60)
          .until(
              d ->
                  text(d, "#changes tr[data-change='" + change + "'] td.counts")
                      .contains(PROCESSES + " applied"));
      long updateMillis = (System.nanoTime() - reported) / 1_000_000;
      stats = stats(browser);
      double maxUpdate = ((Number) stats.get("maxUpdateMillis")).doubleValue();
      long messagesShown = ((Number) stats.get("messages")).longValue();
      assertThat(messagesShown)
          .as("stream updates drawn while the reports came in")
          .isGreaterThan(messagesBefore);
      System.out.printf(
          "dashboard with %d processes: first render %d ms after opening the page;"
              + " all applied in the API %d ms and shown %d ms after the last report"
              + " (stream ticks once a second); longest update (parse and draw) %.1f ms over %s"
              + " messages, %s characters of stream data received; load average %.1f%n",
          PROCESSES,
          firstRenderMillis,
          storedMillis,
          updateMillis,
          maxUpdate,
          messagesShown,
          stats.get("bytes"),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      // The stream keeps going once everything is shown: its clock moves every tick.
      wait(browser, 30)
          .until(d -> ((Number) stats(browser).get("messages")).longValue() > messagesShown);
    }
  }

  private List<String> register(Controller controller, String token) throws Exception {
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (int n = 0; n < PROCESSES; n++) {
      Map<String, Object> body =
          Map.of(
              "protocolVersion",
              FleetApi.PROTOCOL_VERSION,
              "service",
              SERVICE,
              "host",
              "sim-" + n,
              "pid",
              100_000 + n,
              "javaVersion",
              "17.0.15",
              "agentVersion",
              "0.1.0-SNAPSHOT",
              "labels",
              Map.of("zone", "z" + (n % 4)),
              "instance",
              UUID.randomUUID().toString());
      inFlight.acquire();
      answers.add(
          send(controller, token, FleetApi.REGISTER, body)
              .whenComplete((answer, error) -> inFlight.release())
              .thenApply(answer -> String.valueOf(answer.get("process"))));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<String> answer : answers) {
      ids.add(answer.get());
    }
    return ids;
  }

  private void report(Controller controller, String token, List<String> ids, String change)
      throws Exception {
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<Map<String, Object>>> answers = new ArrayList<>();
    for (String id : ids) {
      Map<String, Object> body =
          Map.of(
              "protocolVersion",
              FleetApi.PROTOCOL_VERSION,
              "process",
              id,
              "desiredVersion",
              -1,
              "waitMillis",
              0,
              "changes",
              Map.of(change, Map.of("state", "applied")));
      inFlight.acquire();
      answers.add(
          send(controller, token, FleetApi.SYNC, body)
              .whenComplete((answer, error) -> inFlight.release()));
    }
    for (CompletableFuture<Map<String, Object>> answer : answers) {
      assertThat(answer.get()).doesNotContainKey("error");
    }
  }

  private CompletableFuture<Map<String, Object>> send(
      Controller controller, String token, String path, Map<String, Object> body) {
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(controller.url() + path))
                .timeout(Duration.ofSeconds(60))
                .header(Api.AUTHORIZATION, Api.BEARER + token)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            answer -> {
              assertThat(answer.statusCode()).as(answer.body()).isLessThan(300);
              return Json.parseObject(answer.body());
            });
  }

  /** How many processes the API says applied the change. */
  private long applied(Controller controller, String change) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(controller.url() + FleetApi.change(SERVICE, change)))
                .header(Api.AUTHORIZATION, Api.BEARER + controller.token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    List<Map<String, Object>> results =
        (List<Map<String, Object>>) Json.parseObject(answer.body()).get("results");
    return results.stream().filter(result -> "applied".equals(result.get("state"))).count();
  }

  private Map<String, Object> post(
      Controller controller, String token, String path, Map<String, Object> body) throws Exception {
    return send(controller, token, path, body).get();
  }

  private static Map<String, Object> stats(Browser browser) {
    return (Map<String, Object>) browser.script("arguments[0](window.jliveStats)");
  }

  private static String text(WebDriver driver, String css) {
    return driver.findElements(By.cssSelector(css)).stream()
        .findFirst()
        .map(WebElement::getText)
        .orElse("");
  }

  private static WebDriverWait wait(Browser browser, int seconds) {
    WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(seconds));
    wait.pollingEvery(Duration.ofMillis(25));
    return wait;
  }
}

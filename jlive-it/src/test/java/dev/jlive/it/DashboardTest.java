package dev.jlive.it;

import static dev.jlive.it.support.FleetFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.ui.DashboardServer;
import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.Browser;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.PriceLoad;
import dev.jlive.it.support.ProbeForm;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The web dashboard in real headless Chromium, against a real controller on a real ZooKeeper with
 * real agents in forked JVMs: sign in, see the JVM appear, add a probe from the form (its selector
 * checked as it is typed against both processes' loaded classes) and watch its chart move, approve
 * a patch as a second person and see the process apply it, revert it, and a viewer who sees no
 * button that changes anything and whose forced request the API refuses.
 */
@SuppressWarnings("unchecked")
class DashboardTest {
  private static final String SERVICE = "shop";
  private static final Duration ROLLOUT = Duration.ofSeconds(60);
  private static FleetFixture fleet;
  private static DashboardServer dashboard;
  private static Browser browser;
  private static TargetJvm jvm;

  /** A second process, so a rollout has a wave and a control group. */
  private static TargetJvm other;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    // The built-in policy: a patch needs one approval by someone other than its author.
    fleet = FleetFixture.startWithBuiltInPolicyOnOwnZooKeeper("dashboard");
    dashboard = fleet.controller().startDashboard(0);
    List<TargetJvm> both =
        fleet.joinWithLabels(SERVICE, PatchTargetApp.class, "zone=eu", "zone=us");
    jvm = both.get(0);
    other = both.get(1);
    fleet.awaitProcesses(SERVICE, jvm, other);
    browser = Browser.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  private static String token(String name, String... roles) {
    return FleetFixture.addNamedUser(fleet.controller(), HTTP, name, roles);
  }

  @Test
  void signInSeeTheProcessAddAProbeFromTheFormAndWatchItsChartMove() throws Exception {
    browser.signIn(dashboard.url(), token("petra", "prober@" + SERVICE));
    browser.await("#processes [data-pid='" + jvm.pid() + "']", 60);
    assertThat(browser.find("#processes").getText()).contains("zone=eu");
    browser.screenshot("services");

    // The selector is checked as it is typed against the classes the processes have loaded: the
    // question rides each process's long poll.
    ProbeForm form = ProbeForm.open(browser);
    form.typeRefused("com.nowhere.Missing#price", "com.nowhere.Missing");
    form.retypeLoaded(
        Pricer.class.getName() + "#price",
        "price(int)",
        () ->
            assertThat(browser.find("#selector-check").getText())
                .contains("is loaded in 2 of 2 processes"));
    browser.screenshot("selector-check");
    // The form takes the page to the new probe's view.
    form.add();
    try (PriceLoad load = new PriceLoad(jvm)) {
      browser.awaitRatesChartMoving(
          ROLLOUT,
          last -> {
            // The interval's own percentiles, from the processes' bucket differences.
            assertThat(last.get("p99")).isNotNull();
            assertThat(((Number) last.get("p99")).doubleValue())
                .isGreaterThanOrEqualTo(((Number) last.get("p50")).doubleValue());
          });
      assertThat(browser.all("#chart-rates canvas")).isNotEmpty();
      assertThat(browser.find("#chart-latency").getText()).contains("p99");
      browser.screenshot("probe");
    }
  }

  @Test
  void aCallersProbeDrawsItsCallPathsAsAFlameGraph() throws Exception {
    String id = post(FleetApi.changes(SERVICE), Map.of("kind", "probe", "spec", callers()));
    browser.signIn(dashboard.url(), token("fiona", "viewer@" + SERVICE));
    browser.open(dashboard.url() + "/#/probe/" + SERVICE + "/" + id);
    try (PriceLoad load = new PriceLoad(jvm)) {
      await()
          .atMost(ROLLOUT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                WebElement flame = browser.find("#flame");
                // The root, the outermost callers down to the probed method: several frames deep.
                assertThat(Integer.parseInt(flame.getAttribute("data-frames")))
                    .isGreaterThanOrEqualTo(3);
                assertThat(flame.getAttribute("innerHTML")).contains("Pricer");
              });
      browser.screenshot("flame");
    }
    CliRun revert = fleet.jlive("revert", "--service", SERVICE, id);
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
  }

  @Test
  void aRolloutShowsItsWavesAndGatesAndPausesFromItsButton() throws Exception {
    // A probe rolled out to one process first, then all, with a long bake: it stays baking.
    String id =
        post(
            FleetApi.changes(SERVICE),
            Map.of(
                "kind",
                "probe",
                "spec",
                Map.of("selector", Pricer.class.getName() + "#price", "kind", "count"),
                "rollout",
                Map.of("waves", List.of("1", "100%"), "bakeMillis", 600_000)));
    browser.signIn(dashboard.url(), token("pia", "prober@" + SERVICE));
    browser.open(dashboard.url() + "/#/changes/" + SERVICE + "/" + id);
    browser.await("#rollout-waves tr[data-wave='1']", 60);
    await()
        .atMost(ROLLOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(browser.find("#rollout").getAttribute("data-status")).isEqualTo("running");
              assertThat(browser.find("#rollout-waves tr[data-wave='1']").getText())
                  .contains("1 applied");
              assertThat(browser.find("#rollout-control").getText()).isEqualTo("1");
            });
    // A prober may pause, resume and abort a probe's rollout, not promote it (an approver's call).
    assertThat(browser.all("button[data-rollout-action='promote']")).isEmpty();
    browser.screenshot("rollout");

    browser.find("button[data-rollout-action='pause']").click();
    browser.await("#confirm-yes", 10).click();
    browser.await("#rollout[data-status='paused']", 30);
    assertThat(rolloutStatus(id)).isEqualTo("paused");

    // A viewer's forced pause is the API's refusal, naming the role it lacks.
    browser.signIn(dashboard.url(), token("vic", "viewer@" + SERVICE));
    browser.open(dashboard.url() + "/#/changes/" + SERVICE + "/" + id);
    browser.await("#rollout[data-status='paused']", 30);
    assertThat(browser.all("button[data-rollout-action]")).isEmpty();
    Map<String, Object> forced =
        fetch("/v1/services/" + SERVICE + "/rollouts/" + id + "/resume", true);
    assertThat(forced).containsEntry("status", 403L);
    assertThat(String.valueOf(forced.get("body"))).contains("prober");
    assertThat(rolloutStatus(id)).isEqualTo("paused");

    browser.signIn(dashboard.url(), token("pia2", "prober@" + SERVICE));
    browser.open(dashboard.url() + "/#/changes/" + SERVICE + "/" + id);
    browser.await("button[data-rollout-action='abort']", 30).click();
    browser.await("#confirm-yes", 10).click();
    browser.await("#rollout[data-status='aborted']", 30);
  }

  @Test
  void aSecondPersonApprovesAPatchInTheBrowserThenRevertsIt() throws Exception {
    CliRun proposed =
        as(
            "alice-cli",
            fleet,
            "patch",
            "--service",
            SERVICE,
            ServiceTest.source("return quantity * 10;", "return quantity * 11;").toString(),
            "--json");
    assertThat(proposed.exitCode()).as(proposed.toString()).isZero();
    String id = String.valueOf(((Map<String, Object>) proposed.json().get("change")).get("id"));
    assertThat(jvm.ask("price 2", "price")).startsWith("price 20 ");

    browser.signIn(dashboard.url(), token("bob", "approver@" + SERVICE));
    browser.open(dashboard.url() + "/#/patch/" + SERVICE + "/" + id);
    // The page redraws as events arrive: read the diff afresh until it shows.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(browser.find("#diff").getText()).contains("+    return quantity * 11;"));
    browser.screenshot("patch");

    browser.open(dashboard.url() + "/#/changes/" + SERVICE + "/" + id);
    browser.await("#changes tr[data-change='" + id + "'][data-state='proposed']", 30);
    browser.screenshot("changes");
    browser.find("button[data-action='approve'][data-change='" + id + "']").click();
    browser.await("#confirm-yes", 10).click();
    browser.await("#changes tr[data-change='" + id + "'][data-state='active']", 30);
    browser.await("#results [data-result-state='applied']", 60);
    await()
        .atMost(ROLLOUT)
        .untilAsserted(() -> assertThat(jvm.ask("price 2", "price")).startsWith("price 22 "));
    // Active, its diff is gone from the approvals: the page says the old source is not known (no
    // earlier patch of Pricer is active) and lists the methods the patch replaces.
    browser.open(dashboard.url() + "/#/patch/" + SERVICE + "/" + id);
    assertThat(browser.await("#replaced-methods", 30).getText())
        .contains("int price(int quantity)");
    assertThat(browser.find("#old-source-unknown").getText()).contains("not known");
    browser.screenshot("patch-active");
    browser.open(dashboard.url() + "/#/changes/" + SERVICE + "/" + id);

    browser.await("button[data-action='revert'][data-change='" + id + "']", 10).click();
    browser.await("#confirm-yes", 10).click();
    browser.await("#changes tr[data-change='" + id + "'][data-state='reverted']", 30);
    browser.await("#results [data-result-state='reverted']", 60);
    await()
        .atMost(ROLLOUT)
        .untilAsserted(() -> assertThat(jvm.ask("price 2", "price")).startsWith("price 20 "));
  }

  @Test
  void aViewerSeesNoButtonThatChangesAnythingAndTheApiRefusesIfForced() throws Exception {
    CliRun proposed =
        as(
            "alice-cli",
            fleet,
            "patch",
            "--service",
            SERVICE,
            ServiceTest.source("return quantity * 10;", "return quantity * 13;").toString(),
            "--json");
    assertThat(proposed.exitCode()).as(proposed.toString()).isZero();
    String id = String.valueOf(((Map<String, Object>) proposed.json().get("change")).get("id"));

    browser.signIn(dashboard.url(), token("vera", "viewer@" + SERVICE));
    browser.open(dashboard.url() + "/#/changes/" + SERVICE);
    browser.await("#changes tr[data-change='" + id + "'][data-state='proposed']", 30);
    assertThat(browser.all("button[data-action]")).isEmpty();
    browser.find("#tab-probe").click();
    browser.await("#events", 10);
    assertThat(browser.all("#add-probe")).isEmpty();

    // Forced, with the viewer's session and its valid CSRF token: the API's own refusal.
    String approve = "/v1/services/" + SERVICE + "/changes/" + id + "/approve";
    Map<String, Object> forced = fetch(approve, true);
    assertThat(forced).containsEntry("status", 403L);
    assertThat(String.valueOf(forced.get("body"))).contains("FORBIDDEN").contains("approver");
    // Without the CSRF header the request does not reach the API at all.
    Map<String, Object> noCsrf = fetch(approve, false);
    assertThat(noCsrf).containsEntry("status", 403L);
    assertThat(String.valueOf(noCsrf.get("body"))).contains("X-JLive-CSRF");
    // Scripts cannot read the session cookie.
    assertThat(browser.script("arguments[0](document.cookie)")).isEqualTo("");
    assertThat(fleetState(id)).isEqualTo("proposed");

    // The negative control: an approver's session, the same forced call, goes through.
    browser.signIn(dashboard.url(), token("carol", "approver@" + SERVICE));
    Map<String, Object> approverNoCsrf = fetch(approve, false);
    assertThat(approverNoCsrf).containsEntry("status", 403L);
    Map<String, Object> approved = fetch(approve, true);
    assertThat(approved).as(String.valueOf(approved)).containsEntry("status", 200L);
    assertThat(fleetState(id)).isEqualTo("active");
    CliRun revert = fleet.jlive("revert", "--service", SERVICE, id);
    assertThat(revert.exitCode()).as(revert.toString()).isZero();
  }

  @Test
  void theSessionCookieIsHttpOnlyAndSameSiteStrictAndSignOutEndsIt() throws Exception {
    String token = token("sam", "viewer@" + SERVICE);
    HttpResponse<String> signIn =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(dashboard.url() + "/ui/session"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("token", token))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(signIn.statusCode()).isEqualTo(200);
    String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    String session = cookie.substring(0, cookie.indexOf(';'));
    assertThat(session.substring(session.indexOf('=') + 1)).hasSizeGreaterThanOrEqualTo(43);
    String csrf = String.valueOf(Json.parseObject(signIn.body()).get("csrf"));
    assertThat(get("/v1/services", session).statusCode()).isEqualTo(200);
    assertThat(get("/v1/services", "jlive_session=forged").statusCode()).isEqualTo(401);
    HttpResponse<String> out =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(dashboard.url() + "/ui/session"))
                .header("Cookie", session)
                .header("X-JLive-CSRF", csrf)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(get("/v1/services", session).statusCode()).isEqualTo(401);
    HttpResponse<String> bad =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(dashboard.url() + "/ui/session"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"not-a-token\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void anAdminReadsTheAuditLogAndAViewerIsToldWhyNot() throws Exception {
    token("val", "viewer@" + SERVICE);
    browser.signIn(dashboard.url(), fleet.controller().token());
    browser.open(dashboard.url() + "/#/audit");
    browser.await("#audit", 30);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(browser.find("#audit").getText()).contains("add user"));
    int all = browser.all("#audit tbody tr").size();
    browser.await("#audit-filter", 10).sendKeys("add user val");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(browser.all("#audit tbody tr"))
                    .hasSizeLessThan(all)
                    .allSatisfy(row -> assertThat(row.getText()).contains("add user val")));
    browser.screenshot("audit");

    browser.signIn(dashboard.url(), token("val2", "viewer@" + SERVICE));
    browser.open(dashboard.url() + "/#/audit");
    assertThat(browser.await("[data-refused]", 30).getText()).contains("admin");
  }

  /** Calls Pricer#price in the first JVM in a loop until closed (at most 90 s). */
  private static Map<String, Object> callers() {
    return Map.of("selector", Pricer.class.getName() + "#price", "kind", "callers");
  }

  /** Posts a change as the controller's admin; its id. */
  private static String post(String path, Map<String, Object> body) throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(fleet.url() + path))
                .header(Api.AUTHORIZATION, Api.BEARER + fleet.controller().token())
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 299);
    return String.valueOf(
        ((Map<String, Object>) Json.parseObject(answer.body()).get("change")).get("id"));
  }

  private static String rolloutStatus(String id) {
    CliRun status = fleet.jlive("rollout", "status", SERVICE, id, "--json");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    return String.valueOf(((Map<String, Object>) status.json().get("rollout")).get("status"));
  }

  private static HttpResponse<String> get(String path, String cookie) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(dashboard.url() + path)).header("Cookie", cookie).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A POST from the page's own script, with or without the session's CSRF token. */
  private static Map<String, Object> fetch(String path, boolean withCsrf) {
    Object answer =
        browser.script(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/ui/session').then(r => r.json()).then(s => fetch(arguments[0], {"
                + " method: 'POST', headers: Object.assign({'Content-Type': 'application/json'},"
                + " arguments[1] ? {'X-JLive-CSRF': s.csrf} : {}), body: '{}'}))"
                + ".then(r => r.text().then(t => done({status: r.status, body: t})))"
                + ".catch(e => done({status: -1, body: String(e)}));",
            path,
            withCsrf);
    return (Map<String, Object>) answer;
  }

  private static String fleetState(String id) {
    CliRun list = fleet.jlive("changes", "--service", SERVICE, "--json");
    return ((List<Map<String, Object>>) list.json().get("changes"))
        .stream()
            .filter(change -> id.equals(change.get("id")))
            .map(change -> String.valueOf(change.get("state")))
            .findFirst()
            .orElseThrow();
  }
}

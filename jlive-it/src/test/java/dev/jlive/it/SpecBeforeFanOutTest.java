package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.it.apps.PatchTargetApp;
import dev.jlive.it.apps.Pricer;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
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

/**
 * Issue 11: the controller checks a change's spec with the record the agents read it with, so a
 * probe with a bad selector, kind or budget, or a malformed patch, is refused with a 400 naming the
 * problem and reaches no process. Posted straight to the controller's API (the CLI would refuse
 * them itself), to real agents in forked JVMs; the control: a valid spec posted the same way
 * reaches every one of them.
 */
@SuppressWarnings("unchecked")
class SpecBeforeFanOutTest {
  private static final String PRICER = Pricer.class.getName();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static FleetFixture fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = FleetFixture.startOnOwnZooKeeper("controller");
  }

  @AfterAll
  static void stop() throws Exception {
    fleet.close();
  }

  @Test
  void aBadSpecIsRefusedByTheControllerAndNoProcessSeesIt() throws Exception {
    List<TargetJvm> both = fleet.joinAll("checked", PatchTargetApp.class, 2);
    TargetJvm a = both.get(0);
    TargetJvm b = both.get(1);
    fleet.awaitProcesses("checked", a, b);

    Map<Map<String, Object>, String> refusals =
        Map.of(
            probe(Map.of("selector", PRICER, "kind", "count")),
            "'" + PRICER + "' is not a method selector: it needs CLASS#METHOD",
            probe(Map.of("selector", PRICER + "#price", "kind", "counts")),
            "the probe spec: 'counts' is not a valid kind",
            probe(Map.of("selector", PRICER + "#price", "kind", "count", "ratePerSecond", 0)),
            "the probe spec: 'ratePerSecond' must be from 1 to 1000000, not 0",
            probe(Map.of("selector", PRICER + "#price", "kind", "metrics", "at", "exit")),
            "metrics probes cover whole calls; --at does not apply",
            probe(
                Map.of(
                    "selector", PRICER + "#price", "kind", "log", "template", "x", "ttlMillis", 0)),
            "the probe spec: 'ttlMillis' must be from 1 to 2592000000, not 0",
            Map.of("kind", "patch", "spec", Map.of("method", PRICER + "#price(int)")),
            "a single-method patch needs both the method and its new source",
            Map.of(
                "kind",
                "patch",
                "spec",
                Map.of(
                    "sources",
                    List.of(Map.of("name", "Pricer.java", "code", "class Pricer {}")),
                    "safepoint",
                    "immediate",
                    "check",
                    "true")),
            "--check needs the quiescent safe point");
    refusals.forEach(
        (change, message) -> {
          HttpResponse<String> answer = post(change);
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
          Map<String, Object> error =
              (Map<String, Object>) Json.parseObject(answer.body()).get("error");
          assertThat(error).containsEntry("code", "BAD_REQUEST").containsEntry("message", message);
        });
    // Through the CLI, the same request is refused before it is sent at all.
    CliRun cli =
        fleet.jlive(
            "probe", "add", "--service", "checked", PRICER + "#price", "--metrics", "--at", "exit");
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
    assertThat(cli.stderr()).contains("metrics probes cover whole calls; --at does not apply");
    assertThat(history()).as("the controller stored none of them").isEmpty();

    // The control: a valid change posted the same way reaches every process. The agents take the
    // service's changes in order, so once they have this one, they would have had any before it.
    HttpResponse<String> valid =
        post(probe(Map.of("selector", PRICER + "#price", "kind", "count")));
    assertThat(valid.statusCode()).as(valid.body()).isBetween(200, 299);
    String id =
        String.valueOf(
            ((Map<String, Object>) Json.parseObject(valid.body()).get("change")).get("id"));
    for (TargetJvm jvm : List.of(a, b)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(ledger(jvm)).hasSize(1));
      Map<String, Object> only = ledger(jvm).get(0);
      assertThat(only.toString())
          .as("the agent's one change is the valid probe")
          .contains(PRICER + "#price")
          .doesNotContain("counts");
      assertThat((List<?>) AgentHttp.of(jvm.pid()).json(Api.PATCHES).get("patches")).isEmpty();
    }
    assertThat(history()).extracting(change -> change.get("id")).containsExactly(id);
    List<Map<String, Object>> processes =
        (List<Map<String, Object>>)
            Json.parseObject(get(FleetApi.processes("checked")).body()).get("processes");
    assertThat(processes)
        .hasSize(2)
        .allSatisfy(
            process ->
                assertThat((Map<String, Object>) process.get("changes")).containsOnlyKeys(id));
  }

  private static Map<String, Object> probe(Map<String, Object> spec) {
    return Map.of("kind", "probe", "spec", spec);
  }

  private static List<Map<String, Object>> ledger(TargetJvm jvm) throws Exception {
    return (List<Map<String, Object>>) AgentHttp.of(jvm.pid()).json(Api.CHANGES).get("changes");
  }

  private static List<Map<String, Object>> history() {
    return (List<Map<String, Object>>)
        Json.parseObject(get(FleetApi.changes("checked")).body()).get("changes");
  }

  private static HttpResponse<String> post(Map<String, Object> change) {
    return send(
        HttpRequest.newBuilder(URI.create(fleet.url() + FleetApi.changes("checked")))
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(change))));
  }

  private static HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(fleet.url() + path)).GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request
              .timeout(Duration.ofSeconds(30))
              .header(Api.AUTHORIZATION, Api.BEARER + fleet.controller().token())
              .header(Api.USER_HEADER, "it")
              .header("Content-Type", "application/json")
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

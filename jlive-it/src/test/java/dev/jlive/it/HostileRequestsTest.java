package dev.jlive.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.it.apps.ProbeTargetApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: what an attacker on the same host found. Each test sends the request that did harm and
 * checks it is now refused quickly with a 400 (or 409) naming the problem, with nothing changed.
 */
class HostileRequestsTest {
  private static final String CALCULATOR = "dev.jlive.it.apps.ProbeTargetApp$Calculator";
  private static TargetJvm target;
  private static Discovery discovery;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startTarget() throws Exception {
    target =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("maxProbes=3,maxProbesPerMethod=2")
            .main(ProbeTargetApp.class)
            .start();
    discovery = Discovery.read(Artifacts.runtimeDir(), target.pid()).orElseThrow();
  }

  @AfterAll
  static void stopTarget() throws Exception {
    target.close();
  }

  @AfterEach
  void removeProbes() throws Exception {
    send("DELETE", "/v1/probes?all=true", null);
  }

  @Test
  void aSelectorOf200StarsIsRefusedAtOnceAndLaterAddsWork() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> stars =
        send("POST", "/v1/probes", Map.of("selector", "*".repeat(200) + "#*", "kind", "count"));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(stars.statusCode()).as(stars.body()).isEqualTo(400);
    assertThat(stars.body()).contains("201 wildcards").contains("at most 16");
    assertThat(millis).as("answered in %d ms", millis).isLessThan(2_000);
    HttpResponse<String> next =
        send("POST", "/v1/probes", Map.of("selector", CALCULATOR + "#divide", "kind", "count"));
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
  }

  @Test
  void aSelectorWithTheMostWildcardsIsMatchedQuickly() throws Exception {
    // 16 wildcards that a backtracking regex would try in every split of every loaded class name.
    String selector = "*a".repeat(14) + "*X#*";
    long start = System.nanoTime();
    HttpResponse<String> answer =
        send("POST", "/v1/probes", Map.of("selector", selector, "kind", "count"));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
    assertThat(millis).as("answered in %d ms", millis).isLessThan(5_000);
  }

  @Test
  void aStringDryRunIsRefusedNamingTheFieldAndNothingIsApplied() throws Exception {
    HttpResponse<String> answer =
        send(
            "POST",
            "/v1/patches",
            Map.of(
                "dryRun",
                "true",
                "sources",
                List.of(Map.of("name", "Calculator.java", "code", "class Calculator {}"))));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body())
        .contains("'dryRun' must be true or false, not the string \\\"true\\\"");
    assertThat(changes()).isEmpty();
  }

  @Test
  void aTypoInAFieldIsRefusedWithTheNearestName() throws Exception {
    HttpResponse<String> answer =
        send(
            "POST",
            "/v1/patches",
            Map.of(
                "dryrun",
                true,
                "sources",
                List.of(Map.of("name", "Calculator.java", "code", "class Calculator {}"))));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body()).contains("unknown field 'dryrun'").contains("did you mean 'dryRun'?");
    assertThat(changes()).isEmpty();
  }

  @Test
  void wrongTypesInAProbeAreRefusedNotGuessed() throws Exception {
    for (Map<String, Object> body :
        List.<Map<String, Object>>of(
            Map.of("selector", CALCULATOR + "#divide", "kind", "count", "wait", "true"),
            Map.of(
                "selector",
                CALCULATOR + "#divide",
                "kind",
                "log",
                "template",
                "x",
                "appLog",
                "false"),
            Map.of(
                "selector",
                CALCULATOR + "#divide",
                "kind",
                "log",
                "template",
                "x",
                "allowSideEffects",
                "true"),
            Map.of("selector", CALCULATOR + "#divide", "kind", "count", "maxHits", "10"))) {
      HttpResponse<String> answer = send("POST", "/v1/probes", body);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
      assertThat(answer.body()).contains("must be");
    }
    HttpResponse<String> sources = send("POST", "/v1/patches", Map.of("sources", List.of(1)));
    assertThat(sources.statusCode()).as(sources.body()).isEqualTo(400);
    assertThat(sources.body()).contains("'sources' must be an array of objects");
    assertThat(changes()).isEmpty();
  }

  @Test
  void aBacktrackingGrepIsStoppedWithinItsBudgetAndTheWorkerIsFreed() throws Exception {
    // About n^12 steps on any stack frame of n characters, for a backtracking engine.
    String grep = "(?:.*\\w){12}!";
    long start = System.nanoTime();
    HttpResponse<String> answer =
        send("GET", "/v1/threads?grep=" + URLEncoder.encode(grep, StandardCharsets.UTF_8), null);
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body()).contains("backtracks too much");
    assertThat(millis).as("answered in %d ms", millis).isLessThan(10_000);
    assertThat(send("GET", "/v1/info", null).statusCode()).isEqualTo(200);
  }

  @Test
  void probesAreCappedPerMethodAndPerJvm() throws Exception {
    for (int i = 0; i < 2; i++) {
      assertThat(
              send(
                      "POST",
                      "/v1/probes",
                      Map.of("selector", CALCULATOR + "#divide", "kind", "count"))
                  .statusCode())
          .isEqualTo(200);
    }
    HttpResponse<String> third =
        send("POST", "/v1/probes", Map.of("selector", CALCULATOR + "#divide", "kind", "count"));
    assertThat(third.statusCode()).as(third.body()).isEqualTo(409);
    assertThat(third.body()).contains("maxProbesPerMethod=2").contains("jlive probe rm");

    assertThat(
            send(
                    "POST",
                    "/v1/probes",
                    Map.of("selector", CALCULATOR + "#sumOfSquares", "kind", "count"))
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> fourth =
        send("POST", "/v1/probes", Map.of("selector", CALCULATOR + "#toString", "kind", "count"));
    assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(409);
    assertThat(fourth.body()).contains("maxProbes=3").contains("jlive probe rm");
  }

  /** The patches in the agent's ledger (probes come and go between tests). */
  private static List<?> changes() throws Exception {
    HttpResponse<String> answer = send("GET", "/v1/changes", null);
    return ((List<?>) Json.parseObject(answer.body()).get("changes"))
        .stream().filter(change -> "patch".equals(((Map<?, ?>) change).get("kind"))).toList();
  }

  private static HttpResponse<String> send(
      String method, String pathAndQuery, Map<String, Object> body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + discovery.port() + pathAndQuery))
            .header("Authorization", "Bearer " + discovery.token())
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}

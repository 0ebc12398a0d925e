package dev.jlive.it;

import static dev.jlive.it.support.FleetFixture.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jlive.controller.ui.DashboardServer;
import dev.jlive.it.support.AgentHttp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.FleetFixture;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import dev.jlive.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's shadows with a controller, on two demo JVMs under their own load, a real controller
 * under the built-in policy (a patch needs one approval) and a real ZooKeeper: the pricing fix
 * shadowed on the whole service reports calls of both processes, its differences all expected;
 * promoted, it becomes a patch change that waits for an approval like any patch; a rollout gated on
 * {@code shadow.unexpected == 0} rolls the wrong fix back before it reaches any process, with the
 * shadow's figures as evidence, and installs the right fix (the negative control).
 */
@SuppressWarnings("unchecked")
class FleetShadowTest {
  private static final String SERVICE = "shop";
  private static final String PRICING = "dev.jlive.demo.shop.Pricing#discountedPrice(long,int)";
  private static final String RIGHT_FIX = "quantity >= BULK_QUANTITY";
  private static final String WRONG_FIX = "quantity >= 1";

  private static FleetFixture fleet;
  private static final List<TargetJvm> shops = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    fleet = FleetFixture.startWithBuiltInPolicyOnOwnZooKeeper("controller");
    shops.addAll(TargetJvm.startAll(List.of(demo(), demo())));
    fleet.awaitProcesses(SERVICE, shops.toArray(TargetJvm[]::new));
  }

  /** A demo JVM under its own load that joins the service. */
  private static TargetJvm.Builder demo() {
    return TargetJvm.on(Jdk.JAVA_17)
        .javaagent(fleet.agentOptions(SERVICE, null))
        // 200 requests a second each rather than as fast as their threads go, which took both
        // cores for the whole class: the tests wait for a number of compared calls, not a time.
        .jar(Artifacts.demoJar(), "--load", "--rate", "200", "--duration", "0")
        .readyLine("jlive-demo ready");
  }

  @AfterAll
  static void stop() throws Exception {
    for (TargetJvm shop : shops) {
      shop.close();
    }
    fleet.close();
  }

  /**
   * The data of the first {@code shadow} event with a merged report that the dashboard's live
   * stream sends for change {@code id}, signed in as the controller's admin.
   */
  private static String dashboardShadowEvent(String id) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (DashboardServer dashboard = fleet.controller().startDashboard(0)) {
      HttpResponse<String> signedIn =
          http.send(
              HttpRequest.newBuilder(URI.create(dashboard.url() + "/ui/session"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Json.write(Map.of("token", fleet.controller().token()))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
      String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      HttpResponse<Stream<String>> stream =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          dashboard.url() + "/ui/stream?service=" + SERVICE + "&change=" + id))
                  .header("Cookie", cookie)
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      try (Stream<String> lines = stream.body()) {
        Iterator<String> line = lines.iterator();
        return CompletableFuture.supplyAsync(
                () -> {
                  boolean shadow = false;
                  while (line.hasNext()) {
                    String text = line.next();
                    if (text.startsWith("event:")) {
                      shadow = text.equals("event: shadow");
                    } else if (shadow
                        && text.startsWith("data:")
                        && text.contains("\"merged\":{")) {
                      return text;
                    }
                  }
                  return "";
                })
            .get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** Every test leaves the service as it found it: no patch, no shadow. */
  @AfterEach
  void nothingLeftInstalled() throws Exception {
    for (Map<String, Object> change : changes()) {
      if ("active".equals(change.get("state"))) {
        CliRun revert =
            fleet.jlive("revert", "--service", SERVICE, (String) change.get("id"), "--json");
        assertThat(revert.exitCode()).as(revert.toString()).isZero();
      }
    }
  }

  @Test
  void theFixShadowedOnTheServiceMergesBothProcessesAndIsPromotedUnderPolicy() throws Exception {
    CliRun started =
        fleet.jlive(
            "patch",
            "--service",
            SERVICE,
            PRICING,
            "--method-file",
            fix(RIGHT_FIX).toString(),
            "--shadow",
            "--sample",
            "1/1",
            "--expect",
            "quantity == 10",
            "--json");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    Map<String, Object> shadowChange = (Map<String, Object>) started.json().get("change");
    // A shadow changes nothing: it needs what a probe needs, no approval under this policy.
    assertThat(shadowChange.get("state")).isEqualTo("active");
    assertThat(shadowChange.get("kind")).isEqualTo("shadow");
    String id = (String) shadowChange.get("id");

    Map<String, Object> answer = awaitMerged(id, 600);
    Map<String, Object> merged = (Map<String, Object>) answer.get("merged");
    Map<String, Map<String, Object>> processes =
        (Map<String, Map<String, Object>>) answer.get("processes");
    assertThat(processes).hasSize(2);
    long sum = 0;
    for (Map<String, Object> one : processes.values()) {
      assertThat(number(one, "compared")).as("%s", one).isPositive();
      sum += number(one, "compared");
    }
    assertThat(number(merged, "compared")).isEqualTo(sum);
    assertThat(number(merged, "unexpectedDifferences")).as("%s", merged).isZero();
    assertThat(number(merged, "expectedDifferences")).as("%s", merged).isPositive();
    assertThat(number(merged, "candidateExceptions")).isZero();
    List<Map<String, Object>> examples = (List<Map<String, Object>>) merged.get("examples");
    assertThat(examples)
        .isNotEmpty()
        .allMatch(example -> Boolean.TRUE.equals(example.get("expected")));
    assertThat(examples).allMatch(example -> processes.containsKey(example.get("process")));
    // The dashboard's patch view is fed the same report by its stream, with each process's line.
    String event = dashboardShadowEvent(id);
    assertThat(event).contains("\"merged\":{");
    processes.keySet().forEach(process -> assertThat(event).contains("\"" + process + "\":{"));

    // A process that joins while the shadow is active runs it too. It then stops as a service
    // manager stops it, so that its agent leaves the service at once, not when its lease ends.
    TargetJvm late = demo().start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  ((Map<String, ?>)
                          fleet
                              .jlive("shadow", "--service", SERVICE, id, "--json")
                              .json()
                              .get("processes"))
                      .keySet().stream()
                          .anyMatch(process -> process.contains("-" + late.pid() + "-")));
    } finally {
      late.terminate();
    }
    fleet.awaitProcesses(SERVICE, shops.toArray(TargetJvm[]::new));

    CliRun text = fleet.jlive("shadow", "--service", SERVICE, id);
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.stdout())
        .contains("merged over its processes")
        .contains("expected difference")
        .doesNotContain("UNEXPECTED difference")
        .contains(processes.keySet().iterator().next());

    // Promoted by alice: a patch change under the policy, waiting for someone else's approval; the
    // shadow is dropped on every process.
    CliRun promoted = as("alice", fleet, "patch", "promote", "--service", SERVICE, id, "--json");
    assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
    Map<String, Object> patch = (Map<String, Object>) promoted.json().get("change");
    assertThat(patch.get("kind")).isEqualTo("patch");
    assertThat(patch.get("state")).isEqualTo("proposed");
    assertThat(patch.get("author")).isEqualTo("alice");
    String patchId = (String) patch.get("id");
    assertThat(installedPatches()).allMatch(List::isEmpty);
    CliRun approved = as("bob", fleet, "approve", SERVICE, patchId);
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(installedPatches())
                    .containsExactly(List.of("active"), List.of("active")));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(shadowStates()).containsExactly(List.of("dropped"), List.of("dropped")));

    // The history: the shadow started by the admin, dropped when alice promoted it.
    Map<String, Object> shadow = change(id);
    assertThat(shadow.get("state")).isEqualTo("reverted");
    assertThat(shadow.get("revertedBy")).isEqualTo("alice (promoted to " + patchId + ")");
    CliRun history = fleet.jlive("changes", "--service", SERVICE);
    assertThat(history.stdout())
        .contains("shadow of patch")
        .contains("reverted by alice (promoted to " + patchId + ")");
  }

  @Test
  void aRolloutGatedOnTheShadowRollsTheWrongFixBackBeforeAnyWave() throws Exception {
    String id = rollOut(WRONG_FIX);
    Map<String, Object> done = awaitEnded(id);

    assertThat(done.get("status")).as("%s", done).isEqualTo("rolled_back");
    assertThat(decisions(done)).containsExactly("started", "failed");
    assertThat((List<?>) done.get("waves")).isEmpty();
    Map<String, Object> gate = results(done).get(0);
    assertThat(gate.get("gate")).isEqualTo("shadow.unexpected == 0");
    assertThat(gate.get("outcome")).isEqualTo("fail");
    assertThat(((Number) gate.get("canary")).longValue()).isPositive();
    assertThat((String) gate.get("explanation"))
        .matches(
            "shadow.unexpected [\\d,]+ != 0 over [\\d,]+ compared calls of 2 process\\(es\\); e\\.g\\."
                + " discountedPrice.* \\(on .+\\)");
    // Never installed anywhere; its shadow is dropped.
    assertThat(installedPatches()).containsExactly(List.of(), List.of());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(shadowStates()).containsExactly(List.of("dropped"), List.of("dropped")));
  }

  @Test
  void theSameGatePassesTheRightFixWhichIsThenInstalledEverywhere() throws Exception {
    String id = rollOut(RIGHT_FIX);
    Map<String, Object> done = awaitEnded(id);

    assertThat(done.get("status")).as("%s", done).isEqualTo("completed");
    assertThat(decisions(done)).startsWith("started", "shadow passed", "reached");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(installedPatches())
                    .containsExactly(List.of("active"), List.of("active")));
  }

  // ---- helpers ----

  /** A rollout of the fix in one wave, gated on its shadow; approved by bob, as the policy asks. */
  private static String rollOut(String condition) throws Exception {
    CliRun patch =
        as(
            "alice",
            fleet,
            "patch",
            "--service",
            SERVICE,
            PRICING,
            "--method-file",
            fix(condition).toString(),
            "--rollout",
            "100%",
            "--bake",
            "1s",
            "--min-calls",
            "300",
            "--gate",
            "shadow.unexpected == 0",
            "--expect",
            "quantity == 10",
            "--json");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    String id = ServiceTest.changeId(patch);
    CliRun approved = as("bob", fleet, "approve", SERVICE, id);
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    return id;
  }

  private static Path fix(String condition) throws Exception {
    Path file =
        Artifacts.work()
            .resolve("fleet-shadow-" + System.nanoTime())
            .resolve("discountedPrice.java");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "public static long discountedPrice(long priceCents, int quantity) {\n"
            + "  long gross = priceCents * quantity;\n"
            + "  if ("
            + condition
            + ") {\n"
            + "    return (gross * (100 - BULK_DISCOUNT_PERCENT) + 50) / 100;\n"
            + "  }\n"
            + "  return gross;\n"
            + "}\n");
    return file;
  }

  private static Map<String, Object> awaitMerged(String id, long floor) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              CliRun run = fleet.jlive("shadow", "--service", SERVICE, id, "--json");
              assertThat(run.exitCode()).as(run.toString()).isZero();
              last.set(run.json());
              return last.get().get("merged") instanceof Map<?, ?> merged
                  && number((Map<String, Object>) merged, "compared") >= floor
                  && ((Map<?, ?>) last.get().get("processes")).size() == 2;
            });
    return last.get();
  }

  /** Each demo JVM's patches in its own ledger, by state. */
  private static List<List<Object>> installedPatches() throws Exception {
    return ledgers("patch");
  }

  /** Each demo JVM's shadows, the states they are in (every shadow a test made stays listed). */
  private static List<List<Object>> shadowStates() throws Exception {
    List<List<Object>> states = new ArrayList<>();
    for (TargetJvm shop : shops) {
      List<Map<String, Object>> shadows =
          (List<Map<String, Object>>) AgentHttp.of(shop.pid()).json("/v1/shadows").get("shadows");
      states.add(shadows.stream().map(shadow -> shadow.get("state")).distinct().toList());
    }
    return states;
  }

  private static List<List<Object>> ledgers(String kind) throws Exception {
    List<List<Object>> states = new ArrayList<>();
    for (TargetJvm shop : shops) {
      List<Map<String, Object>> ledger =
          (List<Map<String, Object>>) AgentHttp.of(shop.pid()).json("/v1/changes").get("changes");
      states.add(
          ledger.stream()
              .filter(entry -> kind.equals(entry.get("kind")))
              .filter(entry -> !"reverted".equals(entry.get("state")))
              .map(entry -> entry.get("state"))
              .toList());
    }
    return states;
  }

  private static List<Map<String, Object>> changes() {
    CliRun run = fleet.jlive("changes", "--service", SERVICE, "--json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return (List<Map<String, Object>>) run.json().get("changes");
  }

  private static Map<String, Object> change(String id) {
    return changes().stream().filter(c -> id.equals(c.get("id"))).findFirst().orElseThrow();
  }

  private static long number(Map<String, Object> report, String field) {
    return ((Number) report.get(field)).longValue();
  }

  private static List<Map<String, Object>> results(Map<String, Object> rollout) {
    return (List<Map<String, Object>>)
        ((Map<String, Object>) rollout.get("verdict")).get("results");
  }

  private static List<Object> decisions(Map<String, Object> rollout) {
    return ((List<Map<String, Object>>) rollout.get("history"))
        .stream().map(decision -> decision.get("decision")).toList();
  }

  private static Map<String, Object> awaitEnded(String id) {
    return await()
        .atMost(Duration.ofSeconds(180))
        .until(
            () -> {
              CliRun run = fleet.jlive("rollout", "status", SERVICE, id, "--json");
              assertThat(run.exitCode()).as(run.toString()).isZero();
              return (Map<String, Object>) run.json().get("rollout");
            },
            rollout ->
                List.of("completed", "rolled_back", "aborted").contains(rollout.get("status")));
  }
}

package dev.jlive.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.cli.ExitCode;
import dev.jlive.cli.JLiveCommand;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet commands against a fake controller answering with recorded JSON. */
class FleetCommandsTest {
  @TempDir Path dir;

  private FakeController controller;
  private Path tokenFile;
  private long savedPoll;
  private long savedIdle;

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  @BeforeEach
  void start() throws IOException {
    controller = new FakeController();
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "s3cret\n");
    savedPoll = Rollout.pollMillis;
    savedIdle = TailCommand.idlePauseMillis;
    Rollout.pollMillis = 10;
    TailCommand.idlePauseMillis = 10;
  }

  @AfterEach
  void stop() {
    controller.close();
    Rollout.pollMillis = savedPoll;
    TailCommand.idlePauseMillis = savedIdle;
  }

  /** Runs a command line against the fake controller. */
  private Run jlive(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(
        List.of("--controller", controller.url(), "--controller-token-file", tokenFile.toString()));
    return run(all.toArray(String[]::new));
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        JLiveCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final String PROBE_CHANGE =
      """
      {"id": "c7", "kind": "probe", "spec": {"selector": "com.acme.Cart#add", "kind": "metrics"},
       "where": {"zone": "eu"}, "author": "ann", "createdAt": "2026-11-25T10:00:00Z", "state": "active"}""";

  private static String change(String change, String... results) {
    return "{\"change\": " + change + ", \"results\": [" + String.join(",", results) + "]}";
  }

  private static String result(
      String process, String host, long pid, String state, String message) {
    return "{\"process\": \""
        + process
        + "\", \"host\": \""
        + host
        + "\", \"pid\": "
        + pid
        + ", \"state\": \""
        + state
        + "\""
        + (message == null ? "" : ", \"message\": \"" + message + "\"")
        + "}";
  }

  // --- services and processes ---------------------------------------------------------------

  @Test
  void servicesPrintsATableAndSendsTheTokenAndTheUser() {
    controller.on(
        "GET /v1/services",
        """
        {"services": [{"name": "shop", "processes": 4, "activeChanges": 2}, {"name": "billing", "processes": 1, "activeChanges": 0}]}""");

    Run run = jlive("services");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    assertThat(run.lines())
        .containsExactly(
            "NAME     PROCESSES  ACTIVE CHANGES", "shop     4          2", "billing  1          0");
    FakeController.Request request = controller.requests.get(0);
    assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret");
    assertThat(request.header("X-JLive-User")).isEqualTo(System.getProperty("user.name"));
  }

  @Test
  void servicesWithJsonPrintsTheControllersAnswer() {
    controller.on("GET /v1/services", "{\"services\": []}");

    Run run = jlive("services", "--json");

    assertThat(Json.parseObject(run.out())).isEqualTo(Map.of("services", List.of()));
  }

  @Test
  void processesShowsLabelsLastSeenAndTheStateOfEachChange() {
    long now = System.currentTimeMillis();
    controller.on(
        "GET /v1/services/shop/processes",
        """
        {"processes": [
          {"id": "p1", "host": "web-1", "pid": 4242, "javaVersion": "17.0.15", "agentVersion": "0.1.0", "labels": {"zone": "eu", "canary": "true"},
           "protocolVersion": %d, "verifiesChanges": true, "lastSeen": "%s", "changes": {"c7": {"state": "applied"}, "c8": {"state": "failed", "message": "no such class"}}},
          {"id": "p2", "host": "web-2", "pid": 77, "javaVersion": "21.0.2", "agentVersion": "0.1.0", "labels": {},
           "lastSeen": "%s", "changes": {}}]}"""
            .formatted(
                // The current protocol, which the listing does not point out.
                FleetApi.PROTOCOL_VERSION,
                Instant.ofEpochMilli(now - 3_000),
                Instant.ofEpochMilli(now - 600_000)));

    Run run = jlive("processes", "shop");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    assertThat(run.lines().get(0))
        .startsWith("ID  HOST   PID   JAVA     AGENT                          LABELS")
        .endsWith("LAST SEEN  CHANGES");
    assertThat(run.lines().get(1))
        .contains("web-1", "4242", "17.0.15", "canary=true,zone=eu", "c7=applied c8=failed")
        .containsPattern("[345]s ago")
        .doesNotContain("protocol")
        .doesNotContain("unverified");
    // An agent that sends no protocol version speaks protocol 1, and the listing says so; it does
    // not say it verifies the controller's signatures either.
    assertThat(run.lines().get(2))
        .contains("web-2", "77", "21.0.2", "0.1.0 (protocol 1) unverified", "10m ago");
  }

  @Test
  void processesRefusesAServiceNameTheControllerCannotHold() {
    Run run = jlive("processes", "shop/../x");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("'shop/../x' is not a valid service name");
    assertThat(controller.requests).isEmpty();
  }

  // --- probe add --service ------------------------------------------------------------------

  @Test
  void probeAddSendsTheLocalProbeBodyAsTheSpecAndWaitsUntilEveryProcessReports() {
    controller.on(
        "POST /v1/services/shop/changes", "{\"change\": " + PROBE_CHANGE + ", \"created\": true}");
    controller.on(
        "GET /v1/services/shop/changes/c7",
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "pending", null),
            result("p2", "web-2", 22, "pending", null)),
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "applied", null),
            result("p2", "web-2", 22, "waiting", null)),
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "applied", null),
            result("p2", "web-2", 22, "applied", "installed in 1 class")));

    Run run =
        jlive(
            "probe",
            "add",
            "--service",
            "shop",
            "--where",
            "zone=eu",
            "com.acme.Cart#add",
            "--metrics",
            "--ttl",
            "10m",
            "--sample",
            "1/10");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    FakeController.Request post = controller.requests("POST", "/v1/services/shop/changes").get(0);
    Map<String, Object> expectedSpec = new LinkedHashMap<>();
    expectedSpec.put("selector", "com.acme.Cart#add");
    expectedSpec.put("kind", "metrics");
    expectedSpec.put("sampleOneIn", 10L);
    expectedSpec.put("ttlMillis", 600_000L);
    assertThat(Json.parseObject(post.body()))
        .isEqualTo(Map.of("kind", "probe", "spec", expectedSpec, "where", Map.of("zone", "eu")));
    assertThat(controller.requests("GET", "/v1/services/shop/changes/c7")).hasSize(3);
    assertThat(run.lines())
        .containsExactly(
            "change c7 sent to service shop: metrics probe on com.acme.Cart#add where zone=eu",
            "PROCESS  HOST   PID  STATE    MESSAGE",
            "p1       web-1  11   applied",
            "p2       web-2  22   applied  installed in 1 class",
            "applied on 2 of 2 processes");
  }

  /**
   * Issue 11: a bad probe is refused by the CLI with the agent's own message, and nothing is sent.
   */
  @Test
  void aBadProbeIsRefusedBeforeAnythingIsSent() {
    Run run =
        jlive(
            "probe", "add", "--service", "shop", "com.acme.Cart#add", "--metrics", "--at", "exit");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("metrics probes cover whole calls; --at does not apply");
    assertThat(controller.requests("POST", "/v1/services/shop/changes")).isEmpty();
    // With a PID, the refusal comes before the process is even looked up: this one does not exist.
    Run local = run("probe", "add", "2147483646", "com.acme.Cart", "--count");
    assertThat(local.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(local.err())
        .contains("'com.acme.Cart' is not a method selector: it needs CLASS#METHOD");
  }

  @Test
  void aProcessThatFailedMakesThePartialExitCodeAndTheSummarySaysHowMany() {
    controller.on(
        "POST /v1/services/shop/changes", "{\"change\": " + PROBE_CHANGE + ", \"created\": true}");
    controller.on(
        "GET /v1/services/shop/changes/c7",
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "applied", null),
            result("p2", "web-2", 22, "applied", null),
            result("p3", "web-3", 33, "failed", "no loaded class matches com.acme.Cart"),
            result("p4", "web-4", 44, "applied", null)));

    Run run = jlive("probe", "add", "--service", "shop", "com.acme.Cart#add", "--metrics");

    assertThat(run.exit()).isEqualTo(ExitCode.PARTIAL).isEqualTo(9);
    assertThat(run.lines())
        .contains("p3       web-3  33   failed   no loaded class matches com.acme.Cart");
    assertThat(run.lines().get(run.lines().size() - 1))
        .isEqualTo("applied on 3 of 4 processes; 1 failed");
  }

  @Test
  void processesThatDoNotReportBeforeTheTimeoutArePartialToo() {
    controller.on(
        "POST /v1/services/shop/changes", "{\"change\": " + PROBE_CHANGE + ", \"created\": true}");
    controller.on(
        "GET /v1/services/shop/changes/c7",
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "applied", null),
            result("p2", "web-2", 22, "pending", null),
            result("p3", "web-3", 33, "waiting", null),
            result("p4", "web-4", 44, "unreachable", "no heartbeat for 30 s")));

    long start = System.nanoTime();
    Run run =
        jlive(
            "probe",
            "add",
            "--service",
            "shop",
            "com.acme.Cart#add",
            "--metrics",
            "--timeout",
            "300ms");

    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000_000L);
    assertThat(run.exit()).isEqualTo(ExitCode.PARTIAL);
    assertThat(run.lines().get(run.lines().size() - 1))
        .isEqualTo(
            "applied on 1 of 4 processes; 1 unreachable; 1 still waiting for a safe point; 1 not reported yet (stopped waiting after 300ms)");
    assertThat(run.err()).contains("waiting up to 300ms for 4 process(es) to report");
  }

  @Test
  void aChangeThatWasAlreadyActiveIsSaidSo() {
    controller.on(
        "POST /v1/services/shop/changes", "{\"change\": " + PROBE_CHANGE + ", \"created\": false}");
    controller.on(
        "GET /v1/services/shop/changes/c7",
        change(PROBE_CHANGE, result("p1", "web-1", 11, "applied", null)));

    Run run =
        jlive(
            "probe",
            "add",
            "--service",
            "shop",
            "com.acme.Cart#add",
            "--metrics",
            "--where",
            "zone=eu");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    assertThat(run.lines().get(0))
        .isEqualTo(
            "change c7 was already active on service shop (sent twice, applied once): metrics probe on com.acme.Cart#add where zone=eu");
    assertThat(run.lines().get(run.lines().size() - 1)).isEqualTo("applied on 1 of 1 process");
  }

  @Test
  void jsonOutputIsOneDocumentWithTheResultsAndTheVerdict() {
    controller.on(
        "POST /v1/services/shop/changes", "{\"change\": " + PROBE_CHANGE + ", \"created\": false}");
    controller.on(
        "GET /v1/services/shop/changes/c7",
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "applied", null),
            result("p2", "web-2", 22, "failed", "boom")));

    Run run =
        jlive("probe", "add", "--service", "shop", "com.acme.Cart#add", "--metrics", "--json");

    assertThat(run.exit()).isEqualTo(ExitCode.PARTIAL);
    Map<String, Object> document = Json.parseObject(run.out());
    assertThat(document)
        .containsEntry("created", false)
        .containsEntry("wanted", "applied")
        .containsEntry("complete", true)
        .containsEntry("ok", false)
        .containsEntry("summary", "applied on 1 of 2 processes; 1 failed");
    assertThat((List<?>) document.get("results")).hasSize(2);
    assertThat(((Map<?, ?>) document.get("change")).get("id")).isEqualTo("c7");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aControllerErrorKeepsItsCodeMessageAndHint() {
    controller.onStatus(
        "POST /v1/services/shop/changes",
        409,
        """
        {"error": {"code": "NO_MATCHING_PROCESS", "message": "no live process of shop has zone=us", "hint": ""}}""");

    Run run =
        jlive(
            "probe",
            "add",
            "--service",
            "shop",
            "com.acme.Cart#add",
            "--count",
            "--where",
            "zone=us",
            "--json");

    assertThat(run.exit()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(Json.parseObject(run.out()).get("error"))
        .isEqualTo(
            Map.of(
                "code",
                "NO_MATCHING_PROCESS",
                "message",
                "no live process of shop has zone=us",
                "hint",
                "`jlive processes NAME` shows the live processes and their labels",
                "exitCode",
                8L));
  }

  @Test
  void aRefusedTokenSaysWhereTheControllerKeepsIt() {
    controller.onStatus(
        "GET /v1/services",
        401,
        "{\"error\": {\"code\": \"UNAUTHORIZED\", \"message\": \"bad token\", \"hint\": \"\"}}");

    Run run = jlive("services");

    assertThat(run.exit()).isEqualTo(ExitCode.UNAUTHORIZED);
    assertThat(run.err()).contains("refused the token").contains("<data dir>/token");
  }

  @Test
  void anUnknownServiceIsAnErrorWithTheControllersHint() {
    controller.onStatus(
        "GET /v1/services/nope/changes",
        404,
        "{\"error\": {\"code\": \"UNKNOWN_SERVICE\", \"message\": \"no service nope\", \"hint\": \"`jlive services` lists them\"}}");

    Run run = jlive("changes", "--service", "nope");

    assertThat(run.exit()).isEqualTo(ExitCode.AGENT_ERROR);
    assertThat(run.err())
        .isEqualTo(
            "jlive: no service nope"
                + System.lineSeparator()
                + "  hint: `jlive services` lists them"
                + System.lineSeparator());
  }

  // --- --service against a PID ----------------------------------------------------------------

  @Test
  void serviceAndAPidAreMutuallyExclusive() {
    Run probe =
        jlive("probe", "add", "--service", "shop", "4242", "com.acme.Cart#add", "--metrics");
    Run revert = jlive("revert", "--service", "shop", "4242", "c7");
    Run metrics = jlive("metrics", "--service", "shop", "4242", "c7");
    Run changes = jlive("changes", "--service", "shop", "4242");

    for (Run run : List.of(probe, revert, metrics, changes)) {
      assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
      assertThat(run.err()).contains("--service and a PID are mutually exclusive");
    }
    assertThat(controller.requests).isEmpty();
  }

  @Test
  void patchWithServiceRefusesWhatLooksLikeAPid() throws IOException {
    Path source = Files.writeString(dir.resolve("Pricing.java"), "class Pricing {}");

    Run run = jlive("patch", "--service", "shop", "4242", source.toString());

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err())
        .contains("--service and a PID are mutually exclusive: '4242' looks like a PID");
    assertThat(controller.requests).isEmpty();
  }

  /** --expect on a rollout without a shadow gate would be carried by the plan and never used. */
  @Test
  void expectOnARolloutWithoutAShadowGateIsRefused() throws IOException {
    Path source = Files.writeString(dir.resolve("Pricing.java"), "class Pricing {}");

    Run run =
        jlive(
            "patch",
            "--service",
            "shop",
            source.toString(),
            "--rollout",
            "1,100%",
            "--gate",
            "errors <= 1.1 * control",
            "--expect",
            "quantity == 10");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err())
        .contains("this rollout has none")
        .contains("add --gate 'shadow.unexpected == 0'");
    assertThat(controller.requests).isEmpty();
  }

  @Test
  void serviceAndHostAreMutuallyExclusive() {
    Run run =
        jlive(
            "probe",
            "add",
            "--service",
            "shop",
            "--host",
            "10.0.0.1",
            "--port",
            "7070",
            "com.acme.Cart#add",
            "--count");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err())
        .contains("--service and --host/--port/--token-file are mutually exclusive");
  }

  @Test
  void fleetOptionsWithoutServiceAreUsageErrors() {
    // Refused before any JVM is looked up: pid 1 need not run jlive.
    assertThat(jlive("probe", "add", "1", "com.acme.Cart#add", "--count").err())
        .contains("only go with --service NAME");
    assertThat(run("probe", "add", "1", "com.acme.Cart#add", "--count", "--where", "zone=eu").err())
        .contains("--where only goes with --service NAME");
    assertThat(run("revert", "1", "x1", "--timeout", "5s").err())
        .contains("--timeout (the wait for a service's processes) only goes with --service");
    assertThat(run("patch", "1", "X.java", "--rollout-timeout", "5s").exit())
        .isEqualTo(ExitCode.USAGE);
    assertThat(run("metrics", "1", "--per-process").err())
        .contains("--per-process only goes with --service NAME");
  }

  @Test
  void aBadLabelKeyIsRefusedBeforeAnythingIsSent() {
    Run run =
        jlive(
            "probe",
            "add",
            "--service",
            "shop",
            "com.acme.Cart#add",
            "--count",
            "--where",
            "bad key=x");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("'bad key' is not a valid label name");
    assertThat(controller.requests).isEmpty();
  }

  // --- patch --service ------------------------------------------------------------------------

  @Test
  void patchSendsTheLocalPatchBodyAsTheSpec() throws IOException {
    Path source =
        Files.writeString(dir.resolve("Pricing.java"), "package com.acme; class Pricing {}");
    String patchChange =
        """
        {"id": "c9", "kind": "patch", "spec": {"sources": [{"name": "Pricing.java", "code": "..."}]}, "where": {}, "state": "active"}""";
    controller.on(
        "POST /v1/services/shop/changes", "{\"change\": " + patchChange + ", \"created\": true}");
    controller.on(
        "GET /v1/services/shop/changes/c9",
        change(
            patchChange,
            result("p1", "web-1", 11, "applied", "safe point after 1 attempt(s)"),
            result("p2", "web-2", 22, "applied", null)));

    Run run =
        jlive(
            "patch",
            "--service",
            "shop",
            source.toString(),
            "--safepoint",
            "immediate",
            "--timeout",
            "2s");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    Map<String, Object> expectedSpec = new LinkedHashMap<>();
    expectedSpec.put(
        "sources",
        List.of(Map.of("name", "Pricing.java", "code", "package com.acme; class Pricing {}")));
    expectedSpec.put("dryRun", false);
    expectedSpec.put("safepoint", "immediate");
    expectedSpec.put("timeoutMillis", 2_000L);
    assertThat(
            Json.parseObject(
                controller.requests("POST", "/v1/services/shop/changes").get(0).body()))
        .isEqualTo(Map.of("kind", "patch", "spec", expectedSpec, "where", Map.of()));
    assertThat(run.lines().get(0))
        .isEqualTo("change c9 sent to service shop: patch of Pricing.java");
    assertThat(run.lines().get(run.lines().size() - 1)).isEqualTo("applied on 2 of 2 processes");
  }

  @Test
  void patchWithServiceRefusesADryRun() throws IOException {
    Path source = Files.writeString(dir.resolve("Pricing.java"), "class Pricing {}");

    Run run = jlive("patch", "--service", "shop", source.toString(), "--dry-run");

    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("--dry-run does not go with --service");
    assertThat(controller.requests).isEmpty();
  }

  // --- revert, changes, metrics, tail -------------------------------------------------------

  @Test
  void revertDeletesTheChangeAndWaitsUntilNoProcessStillHasItApplied() {
    controller.on("DELETE /v1/services/shop/changes/c7", "{\"change\": " + PROBE_CHANGE + "}");
    controller.on(
        "GET /v1/services/shop/changes/c7",
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "applied", null),
            result("p2", "web-2", 22, "reverted", null)),
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "reverted", null),
            result("p2", "web-2", 22, "reverted", null)));

    Run run = jlive("revert", "--service", "shop", "c7");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    assertThat(controller.requests("DELETE", "/v1/services/shop/changes/c7")).hasSize(1);
    assertThat(controller.requests("GET", "/v1/services/shop/changes/c7")).hasSize(2);
    assertThat(run.lines())
        .containsExactly(
            "reverting change c7 on service shop: metrics probe on com.acme.Cart#add where zone=eu",
            "PROCESS  HOST   PID  STATE     MESSAGE",
            "p1       web-1  11   reverted",
            "p2       web-2  22   reverted",
            "reverted on 2 of 2 processes");
  }

  @Test
  void aRevertStillAppliedSomewhereAtTheTimeoutIsPartial() {
    controller.on("DELETE /v1/services/shop/changes/c7", "{\"change\": " + PROBE_CHANGE + "}");
    controller.on(
        "GET /v1/services/shop/changes/c7",
        change(
            PROBE_CHANGE,
            result("p1", "web-1", 11, "applied", null),
            result("p2", "web-2", 22, "reverted", null)));

    Run run = jlive("revert", "--service", "shop", "c7", "--timeout", "100ms");

    assertThat(run.exit()).isEqualTo(ExitCode.PARTIAL);
    assertThat(run.lines().get(run.lines().size() - 1))
        .startsWith("reverted on 1 of 2 processes; 1 still applied (stopped waiting after");
  }

  @Test
  void changesListsTheServicesHistory() {
    controller.on(
        "GET /v1/services/shop/changes",
        "{\"changes\": ["
            + PROBE_CHANGE
            + ", {\"id\": \"c3\", \"kind\": \"patch\", \"state\": \"reverted\", \"author\": \"bo\", \"createdAt\": \"2026-11-24T09:00:00Z\","
            + " \"spec\": {\"method\": \"com.acme.Cart#total()\", \"methodSource\": \"...\"}, \"where\": {}}]}");

    Run run = jlive("changes", "--service", "shop");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    assertThat(run.lines())
        .containsExactly(
            "ID  KIND   STATE     BY   SINCE                 WHAT",
            "c7  probe  active    ann  2026-11-25T10:00:00Z  metrics probe on com.acme.Cart#add where zone=eu",
            "c3  patch  reverted  bo   2026-11-24T09:00:00Z  patch of com.acme.Cart#total()");
  }

  @Test
  void metricsShowsTheMergedTableAndWithPerProcessOneRowPerProcess() {
    controller.on(
        "GET /v1/services/shop/metrics",
        """
        {"service": "shop",
         "merged": [{"change": "c7", "selector": "com.acme.Cart#add", "kind": "metrics", "processes": 2, "calls": 1500,
                     "latency": {"count": 1500, "p50Millis": 1.2, "p90Millis": 3.5, "p99Millis": 9.9, "maxMillis": 20.0},
                     "exceptions": {"java.lang.IllegalStateException": 3, "java.io.IOException": 2}}],
         "processes": [
           {"process": "p1", "host": "web-1", "pid": 11, "change": "c7", "id": "p4", "selector": "com.acme.Cart#add", "kind": "metrics",
            "calls": 1000, "exceptions": {"java.io.IOException": 2},
            "latency": {"count": 1000, "p50Millis": 1.1, "p90Millis": 3.0, "p99Millis": 8.0, "maxMillis": 20.0}},
           {"process": "p2", "host": "web-2", "pid": 22, "change": "c7", "id": "p1", "selector": "com.acme.Cart#add", "kind": "metrics",
            "calls": 500, "exceptions": {},
            "latency": {"count": 500, "p50Millis": 1.3, "p90Millis": 4.0, "p99Millis": 9.9, "maxMillis": 15.0}}]}""");

    Run run = jlive("metrics", "--service", "shop", "c7", "--per-process");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    assertThat(controller.requests.get(0).query()).isEqualTo("change=c7");
    assertThat(run.lines())
        .containsExactly(
            "CHANGE  KIND     CALLS  ERRORS  P50 ms  P90 ms  P99 ms  MAX ms  EXCEPTIONS                                                  SELECTOR",
            "c7      metrics  1500   5       1.2     3.5     9.9     20.0    {java.io.IOException=2, java.lang.IllegalStateException=3}  com.acme.Cart#add",
            "",
            "PROCESS  HOST   PID  CHANGE  CALLS  ERRORS  P50 ms  P90 ms  P99 ms  MAX ms",
            "p1       web-1  11   c7      1000   2       1.1     3.0     8.0     20.0",
            "p2       web-2  22   c7      500    0       1.3     4.0     9.9     15.0");
  }

  @Test
  void tailPollsTheMergedStreamAfterTheLastEventSeen() {
    controller.on(
        "GET /v1/services/shop/events",
        """
        {"events": [{"process": "p1", "host": "web-1", "pid": 11, "change": "c7", "seq": 3, "probe": "p4", "time": "2026-11-25T10:00:00Z",
                     "thread": "main", "method": "com.acme.Cart#add", "at": "entry", "message": "old", "timeMillis": 1795600800000}],
         "last": 5}""",
        """
        {"events": [{"process": "p2", "host": "web-2", "pid": 22, "change": "c7", "seq": 8, "probe": "p1", "time": "2026-11-25T10:00:01Z",
                     "thread": "http-1", "method": "com.acme.Cart#add", "at": "entry", "message": "qty=3", "timeMillis": 1795600801000},
                    {"process": "p1", "host": "web-1", "pid": 11, "change": "c7", "seq": 4, "probe": "p4", "time": "2026-11-25T10:00:02Z",
                     "thread": "http-2", "method": "com.acme.Cart#add", "at": "exit", "message": "qty=12", "timeMillis": 1795600802000}],
         "last": 7}""");

    Run run = jlive("tail", "--service", "shop", "c7", "--count", "2", "--timeout", "10s");

    assertThat(run.exit()).isEqualTo(ExitCode.OK);
    assertThat(run.lines())
        .containsExactly(
            "2026-11-25T10:00:01Z c7 web-2:22 [http-1] com.acme.Cart#add entry: qty=3",
            "2026-11-25T10:00:02Z c7 web-1:11 [http-2] com.acme.Cart#add exit: qty=12");
    List<FakeController.Request> polls = controller.requests("GET", "/v1/services/shop/events");
    assertThat(polls.get(0).query())
        .contains("change=c7")
        .contains("last=0")
        .doesNotContain("after=");
    assertThat(polls.get(1).query()).contains("change=c7").contains("after=5");
  }

  @Test
  void theHelpListsThePartialExitCode() {
    Run run = run("help");

    assertThat(run.out())
        .contains("  9    --service: not every process reached the wanted state")
        .contains("  10   audit verify: the audit log's chain is broken")
        .contains("  services ")
        .contains("  processes ");
  }
}

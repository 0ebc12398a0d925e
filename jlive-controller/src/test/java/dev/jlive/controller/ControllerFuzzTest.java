package dev.jlive.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.fuzz.HostileInput;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing of the controller's user API (a real controller on Curator's TestingServer): 4,000
 * generated requests per run (-Djlive.fuzz.cases to change; the CI run keeps the suite short), most
 * of them changes posted to a live service (one process that keeps syncing as an agent does), the
 * rest on every user route with garbage paths and queries. About a third of the changes are valid
 * (a probe or a patch as the CLI would send it, every field in its range) and must be accepted; the
 * others have hostile bodies (unknown fields, every field of any type, unicode and control
 * characters, broken and deeply nested JSON). A change whose fields all have their documented types
 * may be accepted; anything else must get a 4xx with a JSON reason and make no change. The run must
 * have seen both, so that a generator that drifts to all refused (as it did while the process was
 * dropped for not syncing, and 3,999 of 4,000 were refused) fails. The server must keep serving,
 * without growing its threads or files. A failure names its seed: rerun with {@code
 * -Djlive.fuzz.seed=SEED}.
 */
class ControllerFuzzTest {
  static final int CASES = Integer.getInteger("jlive.fuzz.cases", 4_000);
  private static final long SEED = Long.getLong("jlive.fuzz.seed", System.nanoTime());

  /**
   * The documented type of every field of a probe's and a patch's spec, independent of the code
   * under test.
   */
  private static final Map<String, Class<?>> PROBE_TYPES =
      Map.ofEntries(
          Map.entry("selector", String.class),
          Map.entry("kind", String.class),
          Map.entry("at", String.class),
          Map.entry("template", String.class),
          Map.entry("when", String.class),
          Map.entry("sampleOneIn", Long.class),
          Map.entry("ratePerSecond", Long.class),
          Map.entry("maxHits", Long.class),
          Map.entry("ttlMillis", Long.class),
          Map.entry("line", Long.class),
          Map.entry("timeOneIn", Long.class),
          Map.entry("cpuPercent", Number.class),
          Map.entry("wait", Boolean.class),
          Map.entry("appLog", Boolean.class),
          Map.entry("allowSideEffects", Boolean.class),
          Map.entry("allowJdk", Boolean.class),
          Map.entry("depth", Long.class),
          Map.entry("maxSize", Long.class),
          Map.entry("traceDepth", Long.class));

  private static final Map<String, Class<?>> PATCH_TYPES =
      Map.ofEntries(
          Map.entry("sources", List.class),
          Map.entry("classFiles", List.class),
          Map.entry("also", List.class),
          Map.entry("loader", String.class),
          Map.entry("safepoint", String.class),
          Map.entry("check", String.class),
          Map.entry("checkClass", String.class),
          Map.entry("method", String.class),
          Map.entry("methodSource", String.class),
          Map.entry("timeoutMillis", Long.class),
          Map.entry("dryRun", Boolean.class));

  /** Selectors that parse: every form a user may write. */
  private static final List<String> SELECTORS =
      List.of(
          "com.acme.Cart#add",
          "com.acme.Cart#add(int,java.lang.String)",
          "com.acme.Cart#add(ILjava/lang/String;)V",
          "com.acme.*Service#handle*",
          "com.acme..*#*",
          "com.acme.Cart#<init>",
          "com.acme.Cart$Line#price");

  /**
   * Active changes kept at most: each new change is compared with every active one, read from
   * ZooKeeper, so the oldest are reverted (which the fuzz also wants exercised) to keep a run's
   * cost flat.
   */
  private static final int KEPT_ACTIVE = 4;

  /** The process syncs before every valid change and every this many requests. */
  private static final int SYNC_EVERY = 10;

  static TestingServer zooKeeper;
  static Controller controller;
  static String agentToken;
  @TempDir static Path dataDir;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws Exception {
    // Without TCP_NODELAY the JDK's HTTP server answers in ~40 ms (Nagle against delayed ACKs,
    // finding F2 in docs/SECURITY.md): 10,000 requests would take minutes. Read once per JVM; this
    // class runs in its own (reuseForks=false).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // The server's reading threads end 2 s after their last request rather than 30 s: the check
    // that the run left no thread behind waits that long, and sees the same threads end.
    System.setProperty("jlive.controller.idleThreadSeconds", "2");
    zooKeeper = new TestingServer(true);
    controller =
        Controller.start(
            ControllerConfig.defaults(dataDir)
                .withZooKeeper(zooKeeper.getConnectString())
                // A process that missed three heartbeats is dropped: 5 s leaves a loaded box room.
                .withHeartbeat(Duration.ofSeconds(5)));
    agentToken = new Http(controller.url(), controller.token()).newUser("agent");
  }

  @AfterAll
  static void stop() throws Exception {
    controller.close();
    zooKeeper.close();
  }

  @Test
  void hostileUserRequestsGetA4xxWithAReasonAndChangeNothing() throws Exception {
    Map<String, Object> agent =
        new LinkedHashMap<>(
            Map.of(
                "service",
                "shop",
                "host",
                "host-a",
                "pid",
                101,
                "javaVersion",
                "17",
                "agentVersion",
                "test",
                "instance",
                "inst101"));
    agent.put("labels", Map.of("zone", "eu"));
    HttpResponse<String> registered = send("POST", FleetApi.REGISTER, Json.write(agent));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    LiveProcess process =
        new LiveProcess(String.valueOf(Json.parseObject(registered.body()).get("process")));
    // Warm up, so that the baseline counts the server's worker threads (made one per request up to
    // its pool size).
    for (int i = 0; i < 64; i++) {
      assertThat(send("GET", FleetApi.HEALTH, null).statusCode()).isEqualTo(200);
    }
    // The type tables must name every field, or a well-typed change would count as hostile.
    assertThat(PROBE_TYPES.keySet()).isEqualTo(ProbeSpec.FIELDS);
    assertThat(PATCH_TYPES.keySet()).isEqualTo(PatchRequest.FIELDS);
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    long filesBefore = openFiles();

    HostileInput input = new HostileInput(SEED);
    int accepted = 0;
    int refused = 0;
    int changesAccepted = 0;
    int changesRefused = 0;
    int created = 0;
    Deque<String> active = new ArrayDeque<>();
    int reverted = 0;
    for (int i = 0; i < CASES; i++) {
      boolean change = input.chance(80);
      boolean valid = change && input.chance(33);
      if (valid || i % SYNC_EVERY == 0) {
        process.sync();
      }
      String method;
      String path;
      String body = null;
      boolean wellTyped = false;
      if (change) {
        method = "POST";
        path = FleetApi.changes("shop");
        Object parsed = valid ? validChange(input) : hostileChange(input);
        wellTyped = wellTyped(parsed);
        body = parsed instanceof String text ? text : Json.write(parsed);
      } else {
        method = input.pick(List.of("GET", "POST", "DELETE", "PUT"));
        path =
            input.pick(
                    List.of(
                        "/v1/services/shop/",
                        "/v1/services/",
                        "/v1/services/shop/changes/",
                        "/v1/services/shop/events?after=",
                        "/v1/services/shop/metrics?change=",
                        "/v1/services/shop/events?limit=",
                        "/v1/",
                        "/v1/services/shop/processes/"))
                + URLEncoder.encode(input.text(), StandardCharsets.UTF_8);
        body = input.chance(50) ? null : input.brokenJson();
      }
      HttpResponse<String> answer = send(method, path, body);
      String what =
          "seed "
              + SEED
              + " case "
              + i
              + ": "
              + method
              + " "
              + path
              + " "
              + shortened(body)
              + " -> "
              + answer.statusCode()
              + " "
              + shortened(answer.body());
      assertThat(answer.statusCode()).as(what).isLessThan(500);
      if (valid) {
        assertThat(wellTyped).as("the test's type table refuses a valid change: %s", what).isTrue();
        assertThat(answer.statusCode())
            .as("a valid change must be accepted: %s", what)
            .isBetween(200, 299);
      }
      if (answer.statusCode() < 300 && (wellTyped || !change && method.equals("GET"))) {
        accepted++;
        if (change) {
          changesAccepted++;
          Map<String, Object> added = Json.parseObject(answer.body());
          Map<?, ?> made = (Map<?, ?>) added.get("change");
          if (Boolean.TRUE.equals(added.get("created"))) {
            created++;
            if ("active".equalsIgnoreCase(String.valueOf(made.get("state")))) {
              active.addLast(String.valueOf(made.get("id")));
            }
          }
          while (active.size() > KEPT_ACTIVE) {
            String oldest = active.removeFirst();
            HttpResponse<String> revert = send("DELETE", FleetApi.change("shop", oldest), null);
            assertThat(revert.statusCode())
                .as("seed %d: revert %s -> %s", SEED, oldest, revert.body())
                .isEqualTo(200);
            reverted++;
          }
        }
        continue;
      }
      assertThat(answer.statusCode()).as(what).isBetween(400, 499);
      assertThat(((Map<?, ?>) Json.parseObject(answer.body()).get("error")).get("message"))
          .as(what)
          .asString()
          .isNotBlank();
      refused++;
      if (change) {
        changesRefused++;
      }
    }
    List<?> history =
        (List<?>)
            Json.parseObject(send("GET", FleetApi.changes("shop"), null).body()).get("changes");
    assertThat(history.size()).as("changes made (seed %d)", SEED).isLessThanOrEqualTo(accepted);
    assertThat(history).as("changes made (seed %d)", SEED).hasSize(created);
    // Both kinds of change in one run: a generator that drifts back to all refused fails here.
    assertThat(changesAccepted).as("changes accepted (seed %d)", SEED).isPositive();
    assertThat(changesRefused).as("changes refused (seed %d)", SEED).isPositive();
    assertThat(send("GET", FleetApi.HEALTH, null).statusCode()).isEqualTo(200);
    // The server's reading threads end after 2 s idle (set above), the HTTP client's soon after.
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              List<String> newThreads =
                  Thread.getAllStackTraces().keySet().stream()
                      .filter(thread -> !threadsBefore.contains(thread))
                      .map(Thread::getName)
                      .toList();
              assertThat(newThreads)
                  .as("threads started during the run and still alive")
                  .hasSizeLessThanOrEqualTo(8);
              assertThat(openFiles()).isLessThanOrEqualTo(filesBefore + 16);
            });
    System.out.printf(
        "controller fuzz: %d requests (seed %d): %d refused with a 4xx, %d well-typed or reads accepted;"
            + " changes: %d accepted, %d refused, %d made, %d of them reverted%n",
        CASES, SEED, refused, accepted, changesAccepted, changesRefused, history.size(), reverted);
  }

  /**
   * A change the controller must accept: a probe or a patch as the CLI sends it, each optional
   * field present or not and in its range, for every process or for the live one's zone. Numbers
   * are Longs, as the JSON reader makes them.
   */
  private static Map<String, Object> validChange(HostileInput input) {
    Map<String, Object> change = new LinkedHashMap<>();
    boolean probe = input.chance(75);
    change.put("kind", probe ? "probe" : "patch");
    change.put("spec", probe ? validProbe(input) : validPatch(input));
    if (input.chance(30)) {
      change.put("where", Map.of("zone", "eu"));
    }
    return change;
  }

  private static Map<String, Object> validProbe(HostileInput input) {
    Map<String, Object> spec = new LinkedHashMap<>();
    String kind =
        input.pick(List.of("count", "metrics", "log", "capture", "callers", "trace", "lines"));
    spec.put("selector", input.pick(SELECTORS));
    spec.put("kind", kind);
    boolean values = kind.equals("log") || kind.equals("capture");
    // A line probe logs, captures or counts before its line, and needs its class loaded (no wait).
    boolean line = (values || kind.equals("count")) && input.chance(15);
    if (line) {
      spec.put("line", (long) input.between(1, 5_000));
    } else if (values && input.chance(40)) {
      spec.put("at", input.pick(List.of("entry", "exit", "exception")));
    }
    if (kind.equals("log")) {
      spec.put("template", "q={quantity} #" + input.between(0, 1_000_000));
    }
    if (values && input.chance(30)) {
      spec.put("when", "quantity > " + input.between(-5, 5));
    }
    if (kind.equals("capture") && input.chance(40)) {
      spec.put("depth", (long) input.between(0, 8));
    }
    if (kind.equals("capture") && input.chance(40)) {
      spec.put("maxSize", (long) input.between(256, 1 << 20));
    }
    if (kind.equals("metrics") && input.chance(40)) {
      spec.put("timeOneIn", (long) input.between(1, 1_000_000));
    }
    if (kind.equals("trace") && input.chance(40)) {
      spec.put("traceDepth", (long) input.between(1, 4));
    }
    if (input.chance(30)) {
      spec.put("sampleOneIn", (long) input.between(1, 1_000_000_000));
    }
    if (input.chance(30)) {
      spec.put("ratePerSecond", (long) input.between(1, 1_000_000));
    }
    if (input.chance(30)) {
      spec.put("maxHits", (long) input.between(0, 1_000_000_000));
    }
    if (input.chance(30)) {
      spec.put("ttlMillis", (long) input.between(1, 7 * 24 * 3_600_000));
    }
    if (input.chance(30)) {
      spec.put("cpuPercent", 0.01 + input.random().nextDouble() * 99.99);
    }
    if (!line && input.chance(20)) {
      spec.put("wait", input.random().nextBoolean());
    }
    for (String flag : List.of("appLog", "allowSideEffects", "allowJdk")) {
      if (input.chance(20)) {
        spec.put(flag, input.random().nextBoolean());
      }
    }
    return spec;
  }

  private static Map<String, Object> validPatch(HostileInput input) {
    Map<String, Object> spec = new LinkedHashMap<>();
    String value = Integer.toString(input.between(0, 1_000_000));
    if (input.chance(70)) {
      String name = "Cart" + input.between(0, 999);
      spec.put(
          "sources",
          List.of(
              Map.of(
                  "name",
                  name + ".java",
                  "code",
                  "package com.acme;\npublic class "
                      + name
                      + " {\n  int total() {\n    return "
                      + value
                      + ";\n  }\n}\n")));
    } else {
      spec.put("method", "com.acme.Cart#total()");
      spec.put("methodSource", "int total() { return " + value + "; }");
    }
    // --check, --check-class and --also go with the quiescent safe point only.
    boolean immediate = input.chance(20);
    if (immediate || input.chance(20)) {
      spec.put("safepoint", immediate ? "immediate" : "quiescent");
    }
    if (!immediate && input.chance(20)) {
      spec.put("also", List.of(input.pick(SELECTORS)));
    }
    if (!immediate && input.chance(30)) {
      if (input.chance(50)) {
        spec.put("check", "com.acme.Cart#isIdle");
      } else {
        spec.put("checkClass", "com.acme.ReadyCheck");
      }
    }
    if (input.chance(30)) {
      spec.put("timeoutMillis", (long) input.between(1, 600_000));
    }
    if (input.chance(20)) {
      spec.put("loader", "app");
    }
    if (input.chance(10)) {
      spec.put("dryRun", false);
    }
    return spec;
  }

  /** A change body: mostly an object with a hostile spec, sometimes broken JSON (as a string). */
  private static Object hostileChange(HostileInput input) {
    if (input.chance(10)) {
      return input.brokenJson();
    }
    Map<String, Object> change = new LinkedHashMap<>();
    String kind = input.chance(80) ? input.pick(List.of("probe", "patch")) : input.text();
    if (input.chance(95)) {
      change.put("kind", input.chance(90) ? kind : input.value(1));
    }
    if (input.chance(95)) {
      Map<String, Object> spec =
          input.body(kind.equals("patch") ? PatchRequest.FIELDS : ProbeSpec.FIELDS);
      change.put("spec", input.chance(90) ? spec : input.value(2));
    }
    if (input.chance(30)) {
      change.put(
          "where",
          input.chance(50)
              ? Map.of("zone", input.chance(50) ? "eu" : input.text())
              : input.value(1));
    }
    if (input.chance(10)) {
      change.put(input.pick(List.of("Kind", "specs", "wher", input.text())), input.value(1));
    }
    return change;
  }

  /** Whether every field has its documented type, the only changes the controller may accept. */
  private static boolean wellTyped(Object parsed) {
    if (!(parsed instanceof Map<?, ?> change)
        || !Set.of("kind", "spec", "where").containsAll(change.keySet())
        || !(change.get("kind") instanceof String kind)
        || !(change.get("spec") instanceof Map<?, ?> spec)
        || spec.isEmpty()) {
      return false;
    }
    if (change.get("where") instanceof Map<?, ?> where
        && !where.values().stream().allMatch(String.class::isInstance)) {
      return false;
    }
    Map<String, Class<?>> types =
        kind.equals("probe") ? PROBE_TYPES : kind.equals("patch") ? PATCH_TYPES : Map.of();
    for (Map.Entry<?, ?> field : spec.entrySet()) {
      Class<?> type = types.get(String.valueOf(field.getKey()));
      if (type == null || field.getValue() != null && !type.isInstance(field.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The service's one process, syncing as an agent does: a process that misses three heartbeats is
   * dropped, and a service without a live process refuses every change.
   */
  private static final class LiveProcess {
    private final String id;
    private long desiredVersion = -1;

    LiveProcess(String id) {
      this.id = id;
    }

    void sync() throws Exception {
      HttpResponse<String> answer =
          send(
              "POST",
              FleetApi.SYNC,
              Json.write(Map.of("process", id, "desiredVersion", desiredVersion)));
      assertThat(answer.statusCode()).as("sync of %s: %s", id, answer.body()).isEqualTo(200);
      desiredVersion = ((Number) Json.parseObject(answer.body()).get("desiredVersion")).longValue();
    }
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(controller.url() + path))
            .timeout(Duration.ofSeconds(60))
            .header(
                "Authorization",
                "Bearer " + (path.startsWith("/v1/agents/") ? agentToken : controller.token()))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String shortened(String text) {
    return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static long openFiles() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return 0;
  }
}

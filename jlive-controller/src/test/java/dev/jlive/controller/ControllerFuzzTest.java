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
 * of them changes posted to a live service with hostile bodies (unknown fields, every field of any
 * type, unicode and control characters, broken and deeply nested JSON), the rest on every user
 * route with garbage paths and queries. A change whose fields all have their documented types may
 * be accepted; anything else must get a 4xx with a JSON reason and make no change. The server must
 * keep serving, without growing its threads or files. A failure names its seed: rerun with {@code
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
          Map.entry("allowJdk", Boolean.class));

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
                .withHeartbeat(Duration.ofSeconds(1)));
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
    assertThat(send("POST", FleetApi.REGISTER, Json.write(agent)).statusCode()).isEqualTo(200);
    // Warm up, so that the baseline counts the server's worker threads (made one per request up to
    // its pool size).
    for (int i = 0; i < 64; i++) {
      assertThat(send("GET", FleetApi.HEALTH, null).statusCode()).isEqualTo(200);
    }
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    long filesBefore = openFiles();

    HostileInput input = new HostileInput(SEED);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      boolean change = input.chance(80);
      String method;
      String path;
      String body = null;
      boolean wellTyped = false;
      if (change) {
        method = "POST";
        path = FleetApi.changes("shop");
        Object parsed = hostileChange(input);
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
      if (answer.statusCode() < 300 && (wellTyped || !change && method.equals("GET"))) {
        accepted++;
        continue;
      }
      assertThat(answer.statusCode()).as(what).isBetween(400, 499);
      assertThat(((Map<?, ?>) Json.parseObject(answer.body()).get("error")).get("message"))
          .as(what)
          .asString()
          .isNotBlank();
      refused++;
    }
    List<?> history =
        (List<?>)
            Json.parseObject(send("GET", FleetApi.changes("shop"), null).body()).get("changes");
    assertThat(history.size()).as("changes made (seed %d)", SEED).isLessThanOrEqualTo(accepted);
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
        "controller fuzz: %d requests (seed %d): %d refused with a 4xx, %d well-typed or reads accepted, %d changes made%n",
        CASES, SEED, refused, accepted, history.size());
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

package dev.jlive.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.jlive.agent.AgentContext;
import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.agent.patch.PatchEngine;
import dev.jlive.agent.probe.ProbeEngine;
import dev.jlive.agent.record.RecordEngine;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.shadow.ShadowEngine;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.fuzz.HostileInput;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the agent's control endpoint, in process (the real {@link ControlEndpoint} over a
 * socket, with the test JVM's own Instrumentation): 10,000 generated requests per run with broken
 * framing, huge headers and bodies, invalid and deeply nested JSON, every field of every body of
 * the wrong type or unknown, unicode and control characters everywhere. Every answer must be a 4xx
 * with a JSON reason (or, for a request that cannot be read at all, a closed connection), never a
 * 5xx; the endpoint must still serve; threads and file descriptors must not grow; and the change
 * ledger must stay empty. A failure names its seed: rerun with {@code -Djlive.fuzz.seed=SEED}.
 *
 * <p>The Instrumentation is real ({@link ByteBuddyAgent#install()}), so the routes search, list and
 * read the classes this JVM has loaded. What the fuzzer can reach is bounded so that it cannot
 * change this JVM: the class pipeline is never started (no transformer of jlive's is registered),
 * the one well-formed probe it sends carries no token, and its other probe and patch bodies are
 * random values (no probe kind the agent knows, no well-formed patch source or class file). Were a
 * change ever made, the empty ledger at the end would fail the test.
 */
class EndpointFuzzTest {
  static final int CASES = Integer.getInteger("jlive.fuzz.cases", 10_000);
  private static final long SEED = Long.getLong("jlive.fuzz.seed", System.nanoTime());

  /** Also require valid JSON from the listener's own framing errors (finding F1, open). */
  private static final String TOKEN = "fuzz-token-0123456789abcdef0123456789abcdef";

  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private ChangeLedger ledger;
  private ControlEndpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    System.Logger log = new ErrorsOnly(errors);
    Instrumentation instrumentation = ByteBuddyAgent.install();
    ledger = new ChangeLedger(log);
    ClassPipeline pipeline = new ClassPipeline(instrumentation, log);
    Gates gates = new Gates();
    PatchEngine patches = new PatchEngine(instrumentation, pipeline, ledger, gates, log);
    ProbeEngine probes = new ProbeEngine(instrumentation, pipeline, ledger, log);
    AgentContext context =
        new AgentContext(
            instrumentation,
            log,
            "fuzz",
            Instant.now(),
            ledger,
            probes,
            patches,
            new ShadowEngine(instrumentation, pipeline, patches, log),
            new RecordEngine(instrumentation, probes, patches, log),
            () -> stopRequested.set(true),
            null);
    endpoint = ControlEndpoint.start("127.0.0.1", 0, TOKEN, context);
  }

  @AfterEach
  void stop() {
    endpoint.stop();
  }

  @Test
  void hostileRequestsGetA4xxWithAReasonAndChangeNothing() throws Exception {
    HostileInput input = new HostileInput(SEED);
    // Warm up, so that the baseline counts the endpoint's worker threads.
    for (int i = 0; i < 8; i++) {
      assertThat(send(request(input, "GET", Api.INFO, null, true)).status).isEqualTo(200);
    }
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    long filesBefore = openFiles();
    int answered = 0;
    int closed = 0;
    for (int i = 0; i < CASES; i++) {
      Case hostile = hostileRequest(input);
      byte[] request = hostile.bytes();
      Answer answer = send(request);
      String what = "seed " + SEED + " case " + i + ": " + preview(request) + " -> " + answer;
      if (answer == null) {
        closed++;
        continue;
      }
      answered++;
      if (hostile.mayRead() && answer.status == 200) {
        // A read (a thread dump, a list) with a garbage parameter it does not use.
        continue;
      }
      assertThat(answer.status).as(what).isBetween(400, 499);
      // Finding F1 (docs/SECURITY.md): framing errors were once hand-built JSON; every body must
      // parse.
      Map<String, Object> body = Json.parseObject(answer.body);
      assertThat(((Map<?, ?>) body.get("error")).get("message")).as(what).asString().isNotBlank();
    }
    assertThat(errors).as("errors logged by the endpoint (seed %d)", SEED).isEmpty();
    assertThat(ledger.list()).as("changes made (seed %d)", SEED).isEmpty();
    assertThat(stopRequested).isFalse();
    assertThat(send(request(input, "GET", Api.INFO, null, true)).status).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<String> newThreads =
                  Thread.getAllStackTraces().keySet().stream()
                      .filter(thread -> !threadsBefore.contains(thread))
                      .map(Thread::getName)
                      .toList();
              assertThat(newThreads)
                  .as(
                      "threads started during the run and still alive (the pool replaces idle workers)")
                  .hasSizeLessThanOrEqualTo(5);
              assertThat(openFiles()).isLessThanOrEqualTo(filesBefore + 8);
            });
    System.out.printf(
        "endpoint fuzz: %d requests (seed %d): %d answered, %d closed unanswered%n",
        CASES, SEED, answered, closed);
  }

  /**
   * A generated request; {@code mayRead} when it may rightly answer 200: a GET reading something,
   * or a valid request that changes nothing.
   */
  private record Case(byte[] bytes, boolean mayRead, boolean framing) {}

  /**
   * One request a hostile client might send; most are well framed, so that they reach the routes.
   */
  private static Case hostileRequest(HostileInput input) {
    int kind = input.between(0, 99);
    if (kind < 35) {
      return new Case(
          request(input, "POST", Api.PROBES, input.bodyText(ProbeSpec.FIELDS), true), false, false);
    }
    if (kind < 60) {
      return new Case(
          request(input, "POST", Api.PATCHES, input.bodyText(PatchRequest.FIELDS), true),
          false,
          false);
    }
    if (kind < 75) {
      // Query strings on every route, with garbage values; routes that change something need a
      // valid id.
      String route =
          input.pick(
              List.of(
                  "GET " + Api.CLASSES,
                  "GET " + Api.METHODS,
                  "GET " + Api.EVENTS,
                  "GET " + Api.BYTECODE,
                  "GET " + Api.SIDE_EFFECTS,
                  "GET " + Api.PROBE_METRICS,
                  "GET " + Api.THREADS,
                  "DELETE " + Api.PROBES,
                  "DELETE " + Api.PATCHES,
                  "DELETE " + Api.CHANGES,
                  "GET " + Api.PATCHES));
      String[] parts = route.split(" ");
      String name =
          input.pick(
              List.of(
                  "pattern",
                  "class",
                  "limit",
                  "after",
                  "waitMillis",
                  "id",
                  "all",
                  "probe",
                  "grep",
                  "method",
                  "loader"));
      boolean raw = input.chance(20);
      String query =
          "?"
              + encode(name)
              + "="
              + (raw ? input.text().replace(" ", "%20") : encode(input.text()));
      if (parts[1].equals(Api.THREADS) && name.equals("grep")) {
        query =
            "?grep="
                + encode(
                    input.pick(
                        List.of("(?:.*\\w){12}!", "(", "[", "\\", "a{99999}", input.text())));
      }
      if (parts[1].equals(Api.EVENTS)) {
        query = query.replace("waitMillis", "limit");
      }
      // all=true on DELETE /v1/probes is a valid request (the generator can draw "true"); with no
      // probe it removes nothing.
      boolean mayAnswer =
          parts[0].equals("GET") || route.equals("DELETE " + Api.PROBES) && name.equals("all");
      return new Case(request(input, parts[0], parts[1] + query, null, true), mayAnswer, raw);
    }
    if (kind < 80) {
      return new Case(
          request(
              input,
              input.pick(List.of("GET", "PUT", "PATCH", "POST", "DELETE", "\u00e9", "X")),
              input.pick(
                      List.of(
                          "/",
                          "/v1",
                          "/v1/",
                          "/v2/probes",
                          "/v1/probes/../detach",
                          "//v1/info",
                          "/v1/%00",
                          "*",
                          ""))
                  + input.text(),
              input.chance(50) ? null : input.brokenJson(),
              true),
          false,
          true);
    }
    if (kind < 85) {
      return new Case(
          request(
              input,
              "POST",
              Api.PROBES,
              "{\"selector\":\"com.acme.Cart#add\",\"kind\":\"count\"}",
              false),
          false,
          false);
    }
    byte[] broken = brokenFraming(input);
    // Many or long headers on a GET: a server with room for them may answer it.
    boolean onlyLarge =
        new String(broken, 0, Math.min(broken.length, 40), StandardCharsets.ISO_8859_1)
            .startsWith("GET " + Api.INFO + " HTTP/1.1\r\nX-");
    return new Case(broken, onlyLarge, true);
  }

  private static byte[] brokenFraming(HostileInput input) {
    String body = input.chance(50) ? "{}" : input.brokenJson();
    String auth = "Authorization: Bearer " + TOKEN + "\r\n";
    String text =
        switch (input.between(0, 9)) {
          case 0 -> input.text();
          case 1 ->
              "POST "
                  + Api.PROBES
                  + " HTTP/1.1\r\n"
                  + auth
                  + "Content-Length: "
                  + (body.length() + input.between(1, 1_000_000))
                  + "\r\n\r\n"
                  + body;
          case 2 ->
              "POST "
                  + Api.PROBES
                  + " HTTP/1.1\r\n"
                  + auth
                  + "Content-Length: "
                  + input.pick(List.of("-1", "abc", "99999999999999", "1, 2", ""))
                  + "\r\n\r\n"
                  + body;
          case 3 ->
              "GET "
                  + Api.INFO
                  + " HTTP/1.1\r\nX-Huge: "
                  + "h".repeat(input.between(17_000, 200_000))
                  + "\r\n"
                  + auth
                  + "\r\n";
          case 4 ->
              "GET "
                  + Api.INFO
                  + " HTTP/1.1\r\n"
                  + "X-Many: 1\r\n".repeat(input.between(1_000, 5_000))
                  + auth
                  + "\r\n";
          case 5 ->
              "POST "
                  + Api.PROBES
                  + " HTTP/1.1\r\n"
                  + auth
                  + "Transfer-Encoding: chunked\r\n\r\nzz\r\n"
                  + body;
          case 6 ->
              "POST "
                  + Api.PATCHES
                  + " HTTP/1.1\r\n"
                  + auth
                  + "Content-Length: "
                  + (5 * 1024 * 1024)
                  + "\r\n\r\n"
                  + "x".repeat(input.between(0, 100_000));
          case 7 ->
              "GET "
                  + Api.INFO
                  + " HTTP/1.1\n"
                  + auth.replace("\r\n", "\n")
                  + "Header-Without-Colon\n\n";
          case 8 -> "GET " + Api.INFO + "\r\n\r\n";
          default -> "GET " + Api.INFO + " HTTP/1.1\r\n" + auth.replace(TOKEN, input.text());
        };
    return text.getBytes(input.chance(80) ? StandardCharsets.UTF_8 : StandardCharsets.UTF_16);
  }

  private static byte[] request(
      HostileInput input, String method, String target, String body, boolean withToken) {
    StringBuilder head =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (withToken) {
      head.append("Authorization: Bearer ").append(TOKEN).append("\r\n");
    }
    if (input.chance(30)) {
      head.append(Api.USER_HEADER)
          .append(": ")
          .append(input.text().replaceAll("[\r\n]", ""))
          .append("\r\n");
    }
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    head.append("Content-Type: application/json\r\nContent-Length: ")
        .append(bytes.length)
        .append("\r\nConnection: close\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[headBytes.length + bytes.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
    return all;
  }

  private record Answer(int status, String body) {
    @Override
    public String toString() {
      return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
  }

  /**
   * Sends the bytes, ends the output, reads the answer; null when the server closed without one.
   */
  private Answer send(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", endpoint.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
        socket.shutdownOutput();
      } catch (IOException closedEarly) {
        // The server may answer and close before reading a huge request to its end.
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try {
        in.transferTo(answer);
      } catch (SocketTimeoutException timeout) {
        throw new AssertionError("no answer within 20 s to " + preview(request));
      } catch (IOException reset) {
        // A reset after the answer was sent: keep what arrived.
      }
      String text = answer.toString(StandardCharsets.UTF_8);
      if (text.isEmpty()) {
        return null;
      }
      int headEnd = text.indexOf("\r\n\r\n");
      assertThat(text).as("answer to %s", preview(request)).startsWith("HTTP/1.1 ");
      return new Answer(
          Integer.parseInt(text.substring(9, 12)), headEnd < 0 ? "" : text.substring(headEnd + 4));
    }
  }

  private static String preview(byte[] request) {
    String text = new String(request, 0, Math.min(request.length, 300), StandardCharsets.UTF_8);
    return Json.write(text) + (request.length > 300 ? "... (" + request.length + " bytes)" : "");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static long openFiles() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return 0;
  }

  /** Keeps the errors the endpoint logs (a 500 is logged), drops the rest. */
  private record ErrorsOnly(List<String> errors) implements System.Logger {
    @Override
    public String getName() {
      return "fuzz";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level == Level.ERROR;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (level == Level.ERROR) {
        errors.add(msg + (thrown == null ? "" : ": " + thrown));
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (level == Level.ERROR) {
        errors.add(MessageFormat.format(format, params));
      }
    }
  }
}

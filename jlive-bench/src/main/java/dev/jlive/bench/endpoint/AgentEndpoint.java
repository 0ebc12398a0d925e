package dev.jlive.bench.endpoint;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.inspect.RuntimeInfo;
import dev.jlive.protocol.metrics.MetricsAnswer;
import dev.jlive.protocol.patch.PatchList;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.RevertResult;
import dev.jlive.protocol.probe.ClassReport;
import dev.jlive.protocol.probe.ProbeAdded;
import dev.jlive.protocol.probe.ProbeList;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.probe.ProbeStatus;
import dev.jlive.protocol.record.RecordRequest;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The few calls of an agent's control endpoint the benchmarks make. {@link HttpURLConnection}
 * rather than {@code java.net.http.HttpClient}: a benchmark calls this from inside the JVM it
 * measures, and the HTTP client would leave a selector thread running beside the measurement.
 */
public final class AgentEndpoint {
  private static final int TIMEOUT_MILLIS = 60_000;

  private final String base;
  private final String token;

  private AgentEndpoint(Discovery discovery) {
    this(discovery.host(), discovery.port(), discovery.token());
  }

  AgentEndpoint(String host, int port, String token) {
    this.base = "http://" + host + ":" + port;
    this.token = token;
  }

  /**
   * The endpoint of the agent in process {@code pid}, waiting for its discovery file to appear.
   *
   * @throws IOException when no file appears in time: the agent is not loaded, or writes elsewhere
   */
  public static AgentEndpoint await(Path runtimeDir, long pid, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Discovery> discovery = Discovery.read(runtimeDir, pid);
      if (discovery.isPresent()) {
        return new AgentEndpoint(discovery.get());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            "no jlive agent in pid "
                + pid
                + ": "
                + Discovery.fileFor(runtimeDir, pid)
                + " did not appear within "
                + timeout.toSeconds()
                + " s; start the JVM with -javaagent:jlive-agent.jar"
                + " (and -D"
                + RuntimeDirectory.PROPERTY
                + " naming the same folder, if one is given)");
      }
      Thread.sleep(20);
    }
  }

  /** {@code GET /v1/info}: the JVM and the agent in it. */
  public RuntimeInfo info() throws IOException {
    return RuntimeInfo.fromWire(call("GET", Api.INFO, null));
  }

  /** Adds a probe; the answer has the new probe and, per class, how weaving it went. */
  public ProbeAdded addProbe(ProbeSpec spec) throws IOException {
    return ProbeAdded.fromWire(call("POST", Api.PROBES, Json.write(spec.toJson())));
  }

  public void removeProbe(String id) throws IOException {
    call("DELETE", Api.PROBES + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
  }

  /** {@code GET /v1/probes}: every probe, with its state and counters. */
  public ProbeList listProbes() throws IOException {
    return ProbeList.fromWire(call("GET", Api.PROBES, null));
  }

  /** One probe as {@code GET /v1/probes} lists it: state, reason, hits, emitted, dropped, ... */
  public ProbeStatus probe(String id) throws IOException {
    for (ProbeStatus probe : listProbes().probes()) {
      if (id.equals(probe.id())) {
        return probe;
      }
    }
    throw new IOException("probe " + id + " is not listed by the agent any more");
  }

  public MetricsAnswer metrics(String id) throws IOException {
    return MetricsAnswer.fromWire(
        call(
            "GET",
            Api.PROBE_METRICS + "?probe=" + URLEncoder.encode(id, StandardCharsets.UTF_8),
            null));
  }

  /**
   * {@code POST /v1/patches}. The answer has the patch's {@code id} and how the swap went: at a
   * quiescent safe point, its attempts and the longest time the gate was closed.
   */
  public PatchResult applyPatch(PatchRequest request) throws IOException {
    return PatchResult.fromWire(call("POST", Api.PATCHES, Json.write(request.toJson())));
  }

  /** {@code GET /v1/patches}: the active patches. */
  public PatchList listPatches() throws IOException {
    return PatchList.fromWire(call("GET", Api.PATCHES, null));
  }

  /** {@code DELETE /v1/patches?id=}: takes a patch back. */
  public RevertResult revertPatch(String id) throws IOException {
    return RevertResult.fromWire(
        call("DELETE", Api.PATCHES + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null));
  }

  /** {@code POST /v1/shadows}: starts a shadow run; the answer is its first report. */
  public Map<String, Object> startShadow(ShadowRequest request) throws IOException {
    return call("POST", Api.SHADOWS, Json.write(request.toJson()));
  }

  /** {@code GET /v1/shadows?id=}: a shadow's report. */
  public Map<String, Object> shadow(String id) throws IOException {
    return call("GET", Api.SHADOWS + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
  }

  /** {@code DELETE /v1/shadows?id=}: drops a shadow. */
  public Map<String, Object> dropShadow(String id) throws IOException {
    return call(
        "DELETE", Api.SHADOWS + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
  }

  /** {@code POST /v1/recordings}: starts a recording; the answer is its status. */
  public Map<String, Object> startRecording(RecordRequest request) throws IOException {
    return call("POST", Api.RECORDINGS, Json.write(request.toJson()));
  }

  /** {@code GET /v1/recordings?id=}: a recording's status (calls kept, cut, state). */
  public Map<String, Object> recording(String id) throws IOException {
    return call(
        "GET", Api.RECORDINGS + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
  }

  /** {@code DELETE /v1/recordings?id=}: ends a recording. */
  public Map<String, Object> endRecording(String id) throws IOException {
    return call(
        "DELETE", Api.RECORDINGS + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
  }

  /** Adds a probe and checks that it went into every class it selected. */
  public String addProbeEverywhere(ProbeSpec spec) throws IOException {
    ProbeAdded answer = addProbe(spec);
    for (ClassReport report : answer.classes()) {
      if (report.status() != ClassReport.Status.INSTALLED) {
        throw new IOException(
            "probe "
                + spec.selector()
                + " failed in "
                + report.className()
                + ": "
                + report.error());
      }
    }
    return answer.probe().id();
  }

  private Map<String, Object> call(String method, String path, String body) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(base + path).toURL().openConnection();
    try {
      connection.setRequestMethod(method);
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      connection.setRequestProperty(Api.AUTHORIZATION, Api.BEARER + token);
      connection.setRequestProperty(Api.USER_HEADER, "jlive-bench");
      if (body != null) {
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = connection.getResponseCode();
      InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
      String text = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      if (status >= 400) {
        throw new IOException(method + " " + path + " answered " + status + ": " + text);
      }
      return Json.parseObject(text);
    } finally {
      connection.disconnect();
    }
  }
}

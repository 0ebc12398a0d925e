package dev.jlive.bench.overhead;

import dev.jlive.bench.endpoint.AgentEndpoint;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.RuntimeDirectory;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.probe.ProbeStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark fork's own probe, through its own agent's endpoint: added before the first warm-up
 * iteration (so the JIT compiles the woven code), watched after every iteration, removed at the
 * end. A probe that turned itself off (budget, rate overflow) is unwoven again, and what the
 * iterations after that measure is not its cost; every iteration's line says whether it was on, and
 * how many calls emitted and dropped events.
 */
final class ProbeControl {
  private final String scenario;
  private AgentEndpoint endpoint;
  private String id;
  private int iteration;
  private long hits;
  private long emitted;
  private long dropped;

  ProbeControl(String scenario) {
    this.scenario = scenario;
  }

  /** Adds the probe, or nothing when {@code spec} is null; fails when the agent is not loaded. */
  void add(Map<String, Object> spec) throws IOException, InterruptedException {
    // The selector resolves loaded classes only.
    new Target().work(0);
    connect();
    if (spec != null) {
      id = endpoint.addProbeEverywhere(ProbeSpec.fromJson(spec));
      report("added " + spec);
    }
  }

  /**
   * How many times one run of {@code work} calls the method {@code selector} names: the hits of a
   * count probe over {@code runs} runs, the probe removed again. For a workload of code jlive did
   * not write, where the calls per operation are not known by construction.
   */
  double callsPerRun(String selector, Runnable work, int runs)
      throws IOException, InterruptedException {
    AgentEndpoint counting = connect();
    String counter =
        counting.addProbeEverywhere(ProbeSpec.builder(selector, ProbeSpec.Kind.COUNT).build());
    try {
      long before = counting.probe(counter).hits();
      for (int i = 0; i < runs; i++) {
        work.run();
      }
      double calls = (double) (counting.probe(counter).hits() - before) / runs;
      report(String.format(Locale.ROOT, "%s: %.1f calls per operation", selector, calls));
      return calls;
    } finally {
      counting.removeProbe(counter);
    }
  }

  /** This fork's own agent's endpoint, found once. */
  private AgentEndpoint connect() throws IOException, InterruptedException {
    if (endpoint == null) {
      endpoint =
          AgentEndpoint.await(
              RuntimeDirectory.resolve(), ProcessHandle.current().pid(), Duration.ofSeconds(10));
    }
    return endpoint;
  }

  void iterationStarts() throws IOException {
    iteration++;
    if (id != null) {
      ProbeStatus probe = endpoint.probe(id);
      hits = probe.hits();
      emitted = probe.emitted();
      dropped = probe.dropped();
    }
  }

  void iterationEnded() throws IOException {
    if (id == null) {
      return;
    }
    ProbeStatus probe = endpoint.probe(id);
    String state = JsonObject.wireName(probe.state());
    long calls = probe.hits() - hits;
    long emits = probe.emitted() - emitted;
    long drops = probe.dropped() - dropped;
    report(
        String.format(
            Locale.ROOT,
            "iteration %d: state=%s calls=%d emitted=%d (%.1f%%) dropped=%d (%.1f%%)%s%s",
            iteration,
            state,
            calls,
            emits,
            percent(emits, calls),
            drops,
            percent(drops, calls),
            probe.reason() != null ? " reason=" + probe.reason() : "",
            "active".equals(state) ? "" : "  <-- NOT ACTIVE: not the probe's cost"));
  }

  void remove() throws IOException {
    if (id != null) {
      endpoint.removeProbe(id);
    }
  }

  private void report(String line) {
    System.out.println("[jlive-bench " + scenario + (id == null ? "" : " " + id) + "] " + line);
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }
}

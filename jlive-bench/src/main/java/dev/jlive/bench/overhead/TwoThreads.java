package dev.jlive.bench.overhead;

import com.sun.tools.attach.VirtualMachine;
import dev.jlive.protocol.probe.ProbeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The workload of issue 16: two threads calling {@link Quote#quote}, a ~120 ns static method with
 * primitive arguments, with each probe kind on it. {@link TwoThreadsBaseline} runs the same calls
 * without any agent, and two clock reads (the floor of timing a call), in the same run.
 *
 * <p>The agent is loaded by attaching to the fork itself after it started, so that one run can
 * compare two agent builds: {@code agent} names a jar, {@code current} being {@code
 * jlive-agent/target/jlive-agent.jar} and any other name the path in the system property {@code
 * jlive.bench.agent.NAME} (forks inherit the launching JVM's options), e.g. {@code java
 * -Djlive.bench.agent.before=/tmp/before/jlive-agent.jar -jar jlive-bench.jar TwoThreads -p
 * agent=before,current}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Djdk.attach.allowAttachSelf=true", ProbeOverhead.RUNTIME_DIR})
public class TwoThreads {
  static final String SELECTOR = "dev.jlive.bench.overhead.Quote#quote";
  private static final String CURRENT = "jlive-agent/target/jlive-agent.jar";

  /** The agent and the probe of the scenario, attached and added once per fork. */
  @State(Scope.Benchmark)
  public static class Probe extends ProbeState {
    @Param({"current"})
    public String agent;

    @Param({
      "none",
      "count",
      "metrics",
      "metrics-every-call",
      "log-when-false",
      "exit-log-sampled",
      "entry-log-sampled",
      "exception",
      "line-count",
      "callers"
    })
    public String scenario;

    @Setup(Level.Trial)
    public void add() throws Exception {
      attach(agent);
      Quote.quote(1, 1);
      control = new ProbeControl(scenario);
      control.add(spec(scenario));
    }
  }

  /** Each thread's arguments, varied so the JIT cannot fold the calls. */
  @State(Scope.Thread)
  public static class Order {
    int sku;

    /** What {@link TwoThreadsBaseline#timedByHand} adds its timings to. */
    long timedNanos;
  }

  @Benchmark
  public int quote(Probe probe, Order order) {
    int sku = order.sku++;
    return Quote.quote(sku, sku & 7);
  }

  static void attach(String agent) throws Exception {
    String jar =
        agent.equals("current") ? CURRENT : System.getProperty("jlive.bench.agent." + agent);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IOException(
          "no agent jar for '"
              + agent
              + "' ("
              + jar
              + "); run from the project root, or pass -Djlive.bench.agent."
              + agent
              + "=/path/to/jlive-agent.jar");
    }
    VirtualMachine self = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
    try {
      self.loadAgent(Path.of(jar).toAbsolutePath().toString(), "quiet");
    } finally {
      self.detach();
    }
  }

  static Map<String, Object> spec(String scenario) {
    ProbeSpec.Builder spec =
        switch (scenario) {
          case "none" -> null;
          case "count", "metrics", "metrics-every-call" ->
              ProbeScenarios.shared(SELECTOR, scenario);
          // sku counts up from 0 and never comes round to -1 within a fork.
          case "log-when-false" ->
              ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.LOG)
                  .template("sku={sku}")
                  .when("sku == -1");
          case "exit-log-sampled", "entry-log-sampled", "exception" ->
              ProbeScenarios.sampledLogs(SELECTOR, scenario);
          case "line-count" -> ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.COUNT).line(Quote.LINE);
          case "callers" -> ProbeSpec.builder(SELECTOR, ProbeSpec.Kind.CALLERS);
          default ->
              throw new IllegalArgumentException(
                  "unknown scenario '"
                      + scenario
                      + "'; use none, count, metrics, metrics-every-call, log-when-false, "
                      + "exit-log-sampled, entry-log-sampled, exception, line-count or callers");
        };
    return ProbeScenarios.toJson(spec);
  }
}
